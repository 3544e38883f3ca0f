#pragma once

#include "core/common/outcome.h"

#include <QString>

namespace RoleDrop::App {

// `roledrop --demo`: starts the same local S3 + STS server the tests use (Ceph RGW on 127.0.0.1),
// seeds the tutorial's world (user james who cannot read bucket `data`, roles S3Access and S3ReadOnly),
// adds a `james` profile whose secret goes to the keychain, and stops the server when the app quits.
class DemoSandbox
{
    Q_DISABLE_COPY_MOVE(DemoSandbox)
public:
    DemoSandbox() = default;
    ~DemoSandbox();

    struct Info
    {
        QString endpoint;
        QString profileName;
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
