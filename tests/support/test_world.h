#pragma once

// The servers tests/run-tests.sh starts, as the e2e tests see them (ROLEDROP_TEST_* variables).
// A missing variable fails the test loudly: e2e tests never skip silently.

#include "core/common/aws_credentials.h"
#include "core/http/endpoint_config.h"
#include "core/common/outcome.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QSslConfiguration>
#include <QTest>
#include <QTimer>

#include <functional>
#include <optional>

namespace RoleDrop::Test {

inline QString worldValue(const char *name)
{
    const QString value = qEnvironmentVariable(name);
    if (value.isEmpty())
        qFatal("%s is not set: run the e2e tests through tests/run-tests.sh, which starts the servers", name);
    return value;
}

inline AwsCredentials worldKeys(const char *keyVar, const char *secretVar)
{
    return {worldValue(keyVar), worldValue(secretVar), QString(), QDateTime()};
}

// The run's test CA (tests/servers/make-test-ca.sh), as an endpoint trusts it; the system's CAs only when the
// servers were started without one.
inline Http::TlsTrust testCaTrust()
{
    const QString caFile = qEnvironmentVariable("ROLEDROP_TEST_CA_FILE");
    if (caFile.isEmpty())
        return {};
    const auto trust = Http::TlsTrust::fromCaFile(caFile, QStringLiteral("ROLEDROP_TEST_CA_FILE"));
    if (!trust)
        qFatal("%s", qPrintable(trust.error().userMessage()));
    return trust.value();
}

inline Http::EndpointConfig rgwEndpoint()
{
    Http::EndpointConfig endpoint;
    endpoint.customEndpoint = QUrl(worldValue("ROLEDROP_TEST_S3_ENDPOINT"));
    endpoint.pathStyle = true;
    endpoint.tls = testCaTrust();
    return endpoint;
}

// The tests' own plain clients (presigned GETs, the double's knobs) trust the run's test CA, as any client told
// about it would. RoleDrop's requests never use Qt's process-wide default configuration (core/http/tls_trust.h
// sets theirs on every request), so this cannot make a trust bug of RoleDrop's pass unseen.
inline void trustTestCaInPlainClients()
{
    const QString caFile = qEnvironmentVariable("ROLEDROP_TEST_CA_FILE");
    if (caFile.isEmpty())
        return;
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setCaCertificates(QSslConfiguration::systemCaCertificates() + QSslCertificate::fromPath(caFile));
    QSslConfiguration::setDefaultConfiguration(configuration);
}
Q_COREAPP_STARTUP_FUNCTION(trustTestCaInPlainClients)

// Waits (in an event loop, with a time limit) for an asynchronous core/ result; `start` gets the context the
// result is for (the loop) and the handler to give the operation.
template <class T>
Outcome<T> wait(const std::function<void(QObject *context, std::function<void(Outcome<T>)>)> &start, int timeoutMs = 120000)
{
    std::optional<Outcome<T>> result;
    QEventLoop loop;
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    start(&loop, [&](Outcome<T> value) {
        result.emplace(std::move(value));
        loop.quit();
    });
    if (!result)
        loop.exec();
    if (!result)
        return AwsError::local(AwsErrorKind::Timeout, QStringLiteral("test timed out waiting for a result"));
    return std::move(*result);
}

} // namespace RoleDrop::Test
