#include "core/auth/role_history.h"

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;

namespace {

const QDateTime kT0 = QDateTime(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC);

Auth::RoleHistoryEntry entry(const QString &profile, const QString &arn, int minutes = 0, const QString &display = {},
                       const QString &color = {})
{
    Auth::RoleHistoryEntry e;
    e.sourceProfile = profile;
    e.roleArn = arn;
    e.displayName = display;
    e.color = color;
    e.lastUsed = kT0.addSecs(60 * minutes);
    return e;
}

QString arnFor(int i)
{
    return QStringLiteral("arn:aws:iam::%1:role/Role%2").arg(100000000000LL + i).arg(i);
}

QStringList roleNames(const QList<Auth::RoleHistoryEntry> &entries)
{
    QStringList names;
    for (const Auth::RoleHistoryEntry &e : entries)
        names << e.roleName;
    return names;
}

} // namespace

class RoleHistoryTest final : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_dir.reset(new QTemporaryDir);
        QVERIFY(m_dir->isValid());
        m_file = m_dir->filePath("history.ini");
    }

    void palette()
    {
        const QStringList names{"red", "orange", "yellow", "green", "blue"};
        QCOMPARE(Auth::roleColorPalette().size(), names.size());
        for (int i = 0; i < names.size(); ++i) {
            QCOMPARE(Auth::roleColorPalette()[i].name, names[i]);
            QVERIFY(Auth::roleColorPalette()[i].hex.startsWith('#'));
            QCOMPARE(Auth::roleColorPalette()[i].hex.size(), 7);
        }
        QCOMPARE(Auth::roleColorHex("red"), QString("#D13212"));
        QCOMPARE(Auth::roleColorHex(" RED "), QString("#D13212"));
        QCOMPARE(Auth::roleColorHex("#d13212"), QString("#D13212"));
        QVERIFY(Auth::roleColorHex("purple").isEmpty());
        QVERIFY(Auth::roleColorHex("#123456").isEmpty());
    }

    void normalise_data()
    {
        QTest::addColumn<QString>("profile");
        QTest::addColumn<QString>("arn");
        QTest::addColumn<QString>("display");
        QTest::addColumn<QString>("color");
        QTest::addColumn<QString>("expectedDisplay"); // empty: an error containing messagePart
        QTest::addColumn<QString>("expectedColor");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("defaults like the console") << "p" << "arn:aws:iam::123456789012:role/Admin" << "" << ""
                                                   << "Admin @ 123456789012" << "" << "";
        QTest::newRow("ceph role") << "p" << "arn:aws:iam:::role/S3Access" << "" << "" << "S3Access" << "" << "";
        QTest::newRow("own display, colour name") << "p" << "arn:aws:iam::123456789012:role/Admin" << " Prod admin " << "green"
                                                  << "Prod admin" << "#1D8102" << "";
        QTest::newRow("colour hex") << "p" << "arn:aws:iam::123456789012:role/Admin" << "" << "#0073bb" << "Admin @ 123456789012"
                                    << "#0073BB" << "";
        QTest::newRow("unknown colour") << "p" << "arn:aws:iam::123456789012:role/Admin" << "" << "purple" << "" << ""
                                        << "not one of red, orange, yellow, green, blue";
        QTest::newRow("bad arn") << "p" << "arn:aws:iam::1234:role/Admin" << "" << "" << "" << "" << "must be 12 digits";
        QTest::newRow("no profile") << " " << "arn:aws:iam::123456789012:role/Admin" << "" << "" << "" << "" << "needs the profile";
        QTest::newRow("long display") << "p" << "arn:aws:iam::123456789012:role/Admin" << QString(65, 'd') << "" << "" << ""
                                      << "longer than 64";
    }
    void normalise()
    {
        QFETCH(QString, profile);
        QFETCH(QString, arn);
        QFETCH(QString, display);
        QFETCH(QString, color);
        QFETCH(QString, expectedDisplay);
        QFETCH(QString, expectedColor);
        QFETCH(QString, messagePart);
        Auth::RoleHistory history(m_file);
        const auto recorded = history.record(entry(profile, arn, 0, display, color));
        if (expectedDisplay.isEmpty()) {
            QVERIFY(!recorded.ok());
            QVERIFY2(recorded.error().message.contains(messagePart), qPrintable(recorded.error().message));
            QVERIFY(history.recent(profile).isEmpty());
            QVERIFY(!history.save(entry(profile, arn, 0, display, color)).ok());
            QVERIFY(history.saved().isEmpty());
            return;
        }
        QVERIFY2(recorded.ok(), qPrintable(recorded.error().message));
        QCOMPARE(recorded->displayName, expectedDisplay);
        QCOMPARE(recorded->color, expectedColor);
        QCOMPARE(recorded->roleArn, arn);
        const auto recent = history.recent(profile);
        QCOMPARE(recent.size(), 1);
        QCOMPARE(recent[0].displayName, expectedDisplay);
        QCOMPARE(recent[0].color, expectedColor);
        QCOMPARE(recent[0].lastUsed, kT0);
    }

    void accountAndNameComeFromTheArn()
    {
        Auth::RoleHistory history(m_file);
        Auth::RoleHistoryEntry e = entry("p", " arn:aws:iam::123456789012:role/team/Admin ");
        e.accountId = "999999999999"; // contradicts the ARN: the ARN wins
        e.roleName = "Other";
        const auto recorded = history.record(e);
        QVERIFY(recorded.ok());
        QCOMPARE(recorded->accountId, QString("123456789012"));
        QCOMPARE(recorded->roleName, QString("Admin"));
        QCOMPARE(recorded->roleArn, QString("arn:aws:iam::123456789012:role/team/Admin"));
    }

    void missingTimeMeansNow()
    {
        Auth::RoleHistory history(m_file);
        Auth::RoleHistoryEntry e = entry("p", arnFor(1));
        e.lastUsed = QDateTime();
        const QDateTime before = QDateTime::currentDateTimeUtc();
        const auto recorded = history.record(e);
        QVERIFY(recorded->lastUsed >= before.addMSecs(-1));
        QVERIFY(recorded->lastUsed <= QDateTime::currentDateTimeUtc());
    }

    void recentIsNewestFirstDedupedAndCapped()
    {
        Auth::RoleHistory history(m_file);
        for (int i = 1; i <= 7; ++i)
            QVERIFY(history.record(entry("dev", arnFor(i), i)).ok());
        QVERIFY(history.record(entry("ops", arnFor(1), 100)).ok());
        QCOMPARE(roleNames(history.recent("dev")), (QStringList{"Role7", "Role6", "Role5", "Role4", "Role3"}));

        // Using Role4 again moves it to the top instead of adding a second entry.
        QVERIFY(history.record(entry("dev", arnFor(4), 50, "again")).ok());
        const auto recent = history.recent("dev");
        QCOMPARE(roleNames(recent), (QStringList{"Role4", "Role7", "Role6", "Role5", "Role3"}));
        QCOMPARE(recent[0].displayName, QString("again"));

        // A new role pushes out the oldest of this profile only.
        QVERIFY(history.record(entry("dev", arnFor(8), 60)).ok());
        QCOMPARE(roleNames(history.recent("dev")), (QStringList{"Role8", "Role4", "Role7", "Role6", "Role5"}));
        QCOMPARE(roleNames(history.recent("ops")), QStringList{"Role1"});
        QVERIFY(history.recent("nobody").isEmpty());

        // Everything was written out: a second instance sees the same.
        Auth::RoleHistory reopened(m_file);
        QCOMPARE(roleNames(reopened.recent("dev")), (QStringList{"Role8", "Role4", "Role7", "Role6", "Role5"}));
        QCOMPARE(reopened.recent("dev")[0].lastUsed, kT0.addSecs(60 * 60));

        reopened.clearRecent("dev");
        QVERIFY(reopened.recent("dev").isEmpty());
        QCOMPARE(reopened.recent("ops").size(), 1);
    }

    void sameArnUnderTwoProfilesIsTwoEntries()
    {
        Auth::RoleHistory history(m_file);
        QVERIFY(history.record(entry("a", arnFor(1), 1)).ok());
        QVERIFY(history.record(entry("b", arnFor(1), 2)).ok());
        QCOMPARE(history.recent("a").size(), 1);
        QCOMPARE(history.recent("b").size(), 1);
    }

    void savedRoles()
    {
        Auth::RoleHistory history(m_file);
        for (int i = 1; i <= 12; ++i) // no limit on saved roles
            QVERIFY(history.save(entry("dev", arnFor(i), i, QStringLiteral("Saved %1").arg(i), "blue")).ok());
        QCOMPARE(history.saved().size(), 12);
        QCOMPARE(history.saved().first().roleName, QString("Role1"));

        // Saving the same profile + ARN again updates it in place.
        QVERIFY(history.save(entry("dev", arnFor(3), 99, "Renamed", "red")).ok());
        const auto saved = history.saved();
        QCOMPARE(saved.size(), 12);
        QCOMPARE(saved[2].displayName, QString("Renamed"));
        QCOMPARE(saved[2].color, QString("#D13212"));

        QVERIFY(history.removeSaved("dev", arnFor(3)));
        QVERIFY(!history.removeSaved("dev", arnFor(3)));
        QVERIFY(!history.removeSaved("other", arnFor(4)));
        QCOMPARE(Auth::RoleHistory(m_file).saved().size(), 11);
        QVERIFY(history.recent("dev").isEmpty()); // saved and recent are separate lists
    }

    void search_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("empty: all") << "" << QStringList{"Admin", "ReadOnly", "S3Access"};
        QTest::newRow("role name") << "admin" << QStringList{"Admin"};
        QTest::newRow("display name") << "PRODUCTION" << QStringList{"Admin"};
        QTest::newRow("account") << "2222" << QStringList{"ReadOnly"};
        QTest::newRow("dashed account") << "2222-2222-2222" << QStringList{"ReadOnly"};
        QTest::newRow("shared substring") << "AD" << QStringList{"Admin", "ReadOnly"};
        QTest::newRow("ceph") << "s3" << QStringList{"S3Access"};
        QTest::newRow("nothing") << "zzz" << QStringList{};
        QTest::newRow("profile name is not searched") << "staging" << QStringList{};
    }
    void search()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        Auth::RoleHistory history(m_file);
        QVERIFY(history.save(entry("staging", "arn:aws:iam::111111111111:role/Admin", 0, "Production")).ok());
        QVERIFY(history.save(entry("staging", "arn:aws:iam::222222222222:role/ReadOnly", 0, "Reporting")).ok());
        QVERIFY(history.save(entry("staging", "arn:aws:iam:::role/S3Access", 0, "Local RGW")).ok());
        QVERIFY(history.record(entry("staging", "arn:aws:iam::333333333333:role/Admin", 0, "Only recent")).ok());
        QCOMPARE(roleNames(history.search(text)), expected);
    }

    void followsProfileRenameAndRemoval()
    {
        Auth::RoleHistory history(m_file);
        QVERIFY(history.record(entry("old", arnFor(1))).ok());
        QVERIFY(history.save(entry("old", arnFor(2))).ok());
        QVERIFY(history.record(entry("keep", arnFor(3))).ok());
        history.renameSourceProfile("old", "new");
        QVERIFY(history.recent("old").isEmpty());
        QCOMPARE(roleNames(history.recent("new")), QStringList{"Role1"});
        QCOMPARE(history.saved()[0].sourceProfile, QString("new"));
        history.removeSourceProfile("new");
        QVERIFY(history.recent("new").isEmpty());
        QVERIFY(history.saved().isEmpty());
        QCOMPARE(history.recent("keep").size(), 1);
    }

    void handEditedGarbageIsDropped()
    {
        {
            QSettings raw(m_file, QSettings::IniFormat);
            raw.beginWriteArray("roleHistory/recent", 3);
            raw.setArrayIndex(0);
            raw.setValue("sourceProfile", "p");
            raw.setValue("roleArn", "not an arn");
            raw.setArrayIndex(1);
            raw.setValue("sourceProfile", "p");
            raw.setValue("roleArn", arnFor(1));
            raw.setValue("lastUsed", "yesterday-ish");
            raw.setArrayIndex(2);
            raw.setValue("roleArn", arnFor(2)); // no profile
            raw.endArray();
        }
        Auth::RoleHistory history(m_file);
        QCOMPARE(roleNames(history.recent("p")), QStringList{"Role1"});
        QVERIFY(history.recent("p")[0].lastUsed.isValid());
    }

    void storesOnlyLabelsAndArns()
    {
        QSettings settings(m_file, QSettings::IniFormat);
        Auth::RoleHistory history(settings);
        QVERIFY(history.record(entry("p", arnFor(1), 0, "d", "red")).ok());
        QVERIFY(history.save(entry("p", arnFor(2), 0, "d", "red")).ok());
        QSet<QString> fields;
        for (const QString &key : settings.allKeys())
            fields.insert(key.section('/', -1));
        QCOMPARE(fields, (QSet<QString>{"size", "sourceProfile", "roleArn", "displayName", "color", "lastUsed"}));
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_file;
};

QTEST_GUILESS_MAIN(RoleHistoryTest)
#include "role_history_test.moc"
