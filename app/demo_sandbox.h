#pragma once

#include "core/common/outcome.h"

#include <QString>

namespace RoleDrop::App {

// `roledrop --demo`: starts the same local S3 + STS server the tests use (Ceph RGW on 127.0.0.1, over https with
// a CA made for this run, which only the demo's profile trusts), seeds the
// tutorial's world (user james who cannot read bucket `data`, roles S3Access and S3ReadOnly) and stops the
// server when the app quits. The demo keeps its profile in settings and a keychain service of its own
// (settingsScope, keychainService), so nothing of the user's own RoleDrop is read or written.
class DemoSandbox
{
    Q_DISABLE_COPY_MOVE(DemoSandbox)
public:
    DemoSandbox() = default;
    ~DemoSandbox();

    static constexpr const char *settingsScope = "RoleDrop-demo";     // QSettings application name
    static constexpr const char *keychainService = "RoleDrop-demo";

    struct Info
    {
        QString endpoint;          // https, with a certificate from the sandbox's own CA
        QString caFile;            // that CA (PEM): the demo profile's CA file setting
        QString profileName;
        QString accessKeyId;
        QString secretAccessKey;   // a public test fixture of the seeded world, not a user's secret
        QString roleS3Access;
        QString roleReadOnly;
    };
    Outcome<Info> start();
    void stop();
    bool isRunning() const { return !m_dir.isEmpty(); }

private:
    QString m_dir;
};

} // namespace RoleDrop::App
