#pragma once

// One Session for a test, the way the window and the command line hold one: settings in a file of its own (in
// a temporary folder), a keychain service of its own and a data folder of its own (the journal of unfinished
// uploads; another may be given, e.g. the one a killed CLI left), so nothing of a developer's RoleDrop is touched.
// Profiles go in through the Session's ProfileManager, as users add them; their keychain entries are removed
// when the fixture goes.

#include "core/auth/profile.h"
#include "core/session/session.h"
#include "http_fetch.h"
#include "test_world.h"

#include <QCoreApplication>
#include <QSettings>
#include <QTemporaryDir>

#include <memory>

namespace RoleDrop::Test {

class SessionFixture
{
public:
    explicit SessionFixture(const QString &tag, const QString &dataFolder = QString())
        : m_service(QStringLiteral("RoleDropTest-%1-%2").arg(tag).arg(QCoreApplication::applicationPid()))
    {
        static int count = 0;
        m_settings = std::make_unique<QSettings>(m_dir.filePath(QStringLiteral("%1-%2.ini").arg(tag).arg(++count)),
                                                 QSettings::IniFormat);
        m_session = std::make_unique<Sessions::Session>(*m_settings, m_service, nullptr,
                                                        dataFolder.isEmpty() ? m_dir.filePath(QStringLiteral("data")) : dataFolder);
    }
    ~SessionFixture()
    {
        for (const QString &name : std::as_const(m_added)) {
            if (m_session->profiles().contains(name))
                wait<Done>([&](QObject *context, auto done) { m_session->profiles().remove(name, context, done); }, 30000);
        }
        m_session.reset();
    }
    Q_DISABLE_COPY_MOVE(SessionFixture)

    Sessions::Session &session() { return *m_session; }
    Sessions::Session *get() { return m_session.get(); }
    Sessions::Session *operator->() { return m_session.get(); }
    QSettings &settings() { return *m_settings; }
    QString keychainService() const { return m_service; }
    QString settingsPath() const { return m_settings->fileName(); }

    // Adds a RoleDrop profile (its secret to the keychain). On failure says why and returns false.
    bool addProfile(const Auth::Profile &profile, const QString &secret)
    {
        const auto added = wait<Auth::Profile>([&](QObject *context, auto done) {
            m_session->profiles().add(profile, secret, context, done);
        }, 30000);
        if (!added) {
            qWarning("adding profile %s: %s", qPrintable(profile.name), qPrintable(added.error().userMessage()));
            return false;
        }
        m_added << profile.name;
        return true;
    }

    Outcome<Sessions::OpenedProfile> open(const QString &name)
    {
        return wait<Sessions::OpenedProfile>([&](QObject *context, auto done) { m_session->openProfile(name, context, done); }, 30000);
    }

    // Adds the profile and opens it.
    bool openProfile(const Auth::Profile &profile, const QString &secret)
    {
        if (!addProfile(profile, secret))
            return false;
        const auto opened = open(profile.name);
        if (!opened)
            qWarning("opening profile %s: %s", qPrintable(profile.name), qPrintable(opened.error().userMessage()));
        return opened.ok();
    }

    // A base identity that needs no network (made-up keys): enough for forms, the identity bar, the lists.
    bool openOfflineProfile(const QString &name = QStringLiteral("offline"))
    {
        Auth::Profile profile;
        profile.name = name;
        profile.accessKeyId = QStringLiteral("AKIAOFFLINETESTDOUBLE");
        profile.endpointUrl = QStringLiteral("http://127.0.0.1:9");
        profile.pathStyle = true;
        return openProfile(profile, QStringLiteral("not-a-real-secret-for-tests"));
    }

    Outcome<Auth::Identity> switchRole(const QString &roleArn, Auth::SwitchFrom from = Auth::SwitchFrom::BaseIdentity,
                                       const QString &color = QString(), int durationSeconds = 3600)
    {
        Sts::AssumeRoleRequest request;
        request.roleArn = roleArn;
        request.roleSessionName = QStringLiteral("roledrop-test");
        request.durationSeconds = durationSeconds;
        return wait<Auth::Identity>([&](QObject *context, auto done) {
            m_session->switchRole(request, QString(), color, from, context, done);
        }, 30000);
    }

    // james in the STS test double's world, at its endpoint.
    static Auth::Profile stsDoubleJames(const QString &name, const QString &mfaSerial = QString())
    {
        Auth::Profile profile;
        profile.name = name;
        profile.accessKeyId = worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_KEY");
        profile.endpointUrl = worldValue("ROLEDROP_TEST_STS_DOUBLE_ENDPOINT");
        profile.pathStyle = true;
        profile.mfaSerial = mfaSerial;
        return profile;
    }
    static QString stsDoubleJamesSecret() { return worldValue("ROLEDROP_TEST_STS_DOUBLE_JAMES_SECRET"); }

    // A session as james switched to S3Access in the STS test double's world, at `endpoint` (the double itself or
    // a proxy in front of it); null, with a warning saying why, when the profile or the switch fails.
    static std::unique_ptr<SessionFixture> stsDoubleS3Access(const QString &tag, const QString &endpoint)
    {
        auto session = std::make_unique<SessionFixture>(tag);
        Auth::Profile profile = stsDoubleJames(QStringLiteral("james-") + tag);
        profile.endpointUrl = endpoint;
        if (!session->openProfile(profile, stsDoubleJamesSecret()))
            return nullptr;
        const auto role = session->switchRole(worldValue("ROLEDROP_TEST_STS_DOUBLE_ROLE_S3ACCESS"));
        if (!role) {
            qWarning("switching to S3Access: %s", qPrintable(role.error().userMessage()));
            return nullptr;
        }
        return session;
    }

    // james in the Ceph RGW world.
    static Auth::Profile rgwJames(const QString &name)
    {
        Auth::Profile profile;
        profile.name = name;
        profile.accessKeyId = worldValue("ROLEDROP_TEST_JAMES_KEY");
        profile.endpointUrl = worldValue("ROLEDROP_TEST_S3_ENDPOINT");
        profile.pathStyle = true;
        return profile;
    }
    static QString rgwJamesSecret() { return worldValue("ROLEDROP_TEST_JAMES_SECRET"); }

private:
    QTemporaryDir m_dir;
    QString m_service;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<Sessions::Session> m_session;
    QStringList m_added;
};

// SHA-256 of an object as a plain GET of its presigned URL (made as the session's identity) returns it.
inline QString presignedSha256(const Sessions::Session &session, const QString &bucket, const QString &key)
{
    const auto url = session.presign("GET", bucket, key, 900);
    return url ? sha256OfGet(url->url) : QStringLiteral("(presign failed: %1)").arg(url.error().userMessage());
}

// A federated profile a test added, if it is there: signed out (its tokens leave the keychain), then removed.
inline void signOutAndRemove(Sessions::Session &session, const QString &profile)
{
    if (!session.profiles().contains(profile))
        return;
    wait<Done>([&](QObject *context, auto done) { session.signOut(profile, context, done); }, 30000);
    wait<Done>([&](QObject *context, auto done) { session.profiles().remove(profile, context, done); }, 30000);
}

} // namespace RoleDrop::Test
