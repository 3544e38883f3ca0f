// Places per identity: a role's last place and recent buckets survive its sessions and the next run, and one
// identity's places never show for another (another role, another profile, another server).
#include "core/session/recent_places.h"

#include "core/auth/identity.h"
#include "core/http/endpoint_config.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;
using Sessions::Place;
using Sessions::RecentPlaces;

class RecentPlacesTest final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    static Auth::Identity role(const QString &arn, const QString &sessionArn)
    {
        Auth::Identity identity;
        identity.kind = Auth::Identity::Kind::AssumedRole;
        identity.profileName = QStringLiteral("james");
        identity.roleArn = arn;
        identity.arn = sessionArn;
        return identity;
    }
    static Auth::Identity base(const QString &profile, const QString &account)
    {
        Auth::Identity identity;
        identity.kind = Auth::Identity::Kind::BaseUser;
        identity.profileName = profile;
        identity.accountId = account;
        return identity;
    }
    static Http::EndpointConfig at(const QString &url)
    {
        Http::EndpointConfig endpoint;
        endpoint.customEndpoint = QUrl(url);
        return endpoint;
    }

private slots:
    void keysTellIdentitiesAndServersApart()
    {
        const Http::EndpointConfig aws;
        const QString s3Access = RecentPlaces::identityKey(role(QStringLiteral("arn:aws:iam::123456789012:role/S3Access"),
                                                                QStringLiteral("arn:aws:sts::123456789012:assumed-role/S3Access/a")), aws);
        // Another session of the same role: the same place.
        QCOMPARE(RecentPlaces::identityKey(role(QStringLiteral("arn:aws:iam::123456789012:role/S3Access"),
                                                QStringLiteral("arn:aws:sts::123456789012:assumed-role/S3Access/b")), aws), s3Access);
        QVERIFY(RecentPlaces::identityKey(role(QStringLiteral("arn:aws:iam::123456789012:role/S3ReadOnly"), QString()), aws) != s3Access);
        QVERIFY(RecentPlaces::identityKey(role(QStringLiteral("arn:aws:iam::123456789012:role/S3Access"), QString()),
                                          at(QStringLiteral("https://127.0.0.1:7480"))) != s3Access);
        // A base identity is its profile: learning its account later (who-am-I) keeps its places.
        QCOMPARE(RecentPlaces::identityKey(base(QStringLiteral("james"), QString()), aws),
                 RecentPlaces::identityKey(base(QStringLiteral("james"), QStringLiteral("123456789012")), aws));
        QVERIFY(RecentPlaces::identityKey(base(QStringLiteral("james"), QStringLiteral("1")), aws)
                != RecentPlaces::identityKey(base(QStringLiteral("alice"), QStringLiteral("1")), aws));
        QVERIFY(RecentPlaces::identityKey(Auth::Identity(), aws).isEmpty());
    }

    void lastPlaceAndRecentBucketsPerIdentity()
    {
        const QString file = m_dir.filePath(QStringLiteral("places.ini"));
        const QString roleKey = RecentPlaces::identityKey(role(QStringLiteral("arn:aws:iam:::role/S3Access"), QString()),
                                                          at(QStringLiteral("https://127.0.0.1:7480")));
        const QString baseKey = RecentPlaces::identityKey(base(QStringLiteral("james"), QString()), at(QStringLiteral("https://127.0.0.1:7480")));
        {
            QSettings settings(file, QSettings::IniFormat);
            RecentPlaces places(settings);
            QVERIFY(!places.lastPlace(roleKey));
            QVERIFY(places.recentBuckets(roleKey).isEmpty());
            places.remember(roleKey, Place{QStringLiteral("data"), QString()});
            places.remember(roleKey, Place{QStringLiteral("logs"), QStringLiteral("2024/")});
            places.remember(roleKey, Place{QStringLiteral("data"), QStringLiteral("reports/q1/")});
            // The bucket list is a place too, and adds no bucket.
            places.remember(baseKey, Place{});
        }
        // The next run reads what this one left.
        QSettings settings(file, QSettings::IniFormat);
        RecentPlaces places(settings);
        QCOMPARE(places.lastPlace(roleKey), (Place{QStringLiteral("data"), QStringLiteral("reports/q1/")}));
        QCOMPARE(places.recentBuckets(roleKey), (QStringList{QStringLiteral("data"), QStringLiteral("logs")}));
        QCOMPARE(places.lastPlace(baseKey), Place{});
        QVERIFY(places.recentBuckets(baseKey).isEmpty());
        // Nothing but names and prefixes is written.
        QFile ini(file);
        QVERIFY(ini.open(QIODevice::ReadOnly));
        const QByteArray written = ini.readAll();
        QVERIFY(!written.contains("secret"));
        places.forget(roleKey);
        QVERIFY(!places.lastPlace(roleKey));
    }

    void recentBucketsAreBounded()
    {
        QSettings settings(m_dir.filePath(QStringLiteral("bounded.ini")), QSettings::IniFormat);
        RecentPlaces places(settings);
        const QString key = RecentPlaces::identityKey(base(QStringLiteral("p"), QStringLiteral("1")), Http::EndpointConfig());
        for (int i = 0; i < RecentPlaces::maxBuckets + 5; ++i)
            places.remember(key, Place{QStringLiteral("bucket-%1").arg(i), QString()});
        const QStringList buckets = places.recentBuckets(key);
        QCOMPARE(buckets.size(), RecentPlaces::maxBuckets);
        QCOMPARE(buckets.first(), QStringLiteral("bucket-%1").arg(RecentPlaces::maxBuckets + 4));
        // Identities beyond the bound: the least recently used go.
        for (int i = 0; i < RecentPlaces::maxIdentities + 3; ++i)
            places.remember(RecentPlaces::identityKey(base(QStringLiteral("p%1").arg(i), QString()), Http::EndpointConfig()),
                            Place{QStringLiteral("b"), QString()});
        settings.beginGroup(QStringLiteral("recentPlaces"));
        QCOMPARE(settings.childGroups().size(), RecentPlaces::maxIdentities);
        settings.endGroup();
        QVERIFY(!places.lastPlace(key));
        QVERIFY(places.lastPlace(RecentPlaces::identityKey(base(QStringLiteral("p%1").arg(RecentPlaces::maxIdentities + 2), QString()),
                                                           Http::EndpointConfig())));
    }
};

QTEST_GUILESS_MAIN(RecentPlacesTest)
#include "recent_places_test.moc"
