#pragma once

// Reading the fault proxy's log (tests/servers/fault_proxy.py, a TEST TOOL; see FaultProxyProcess::log()): which
// S3 or STS operation each entry was, its part number, and how it ended - what the e2e tests count to say how
// many requests and body bytes reached the server.

#include <QJsonObject>
#include <QString>
#include <QUrlQuery>

namespace RoleDrop::Test {

// "UploadPart", "PutObject", "CreateMultipartUpload", "CompleteMultipartUpload", "AbortMultipartUpload",
// "GetObject", "ListObjectsV2", "ListParts", "ListMultipartUploads", "HeadObject", "AssumeRole" (STS: POST /)...
inline QString proxyOperation(const QJsonObject &entry)
{
    const QString method = entry.value(QStringLiteral("method")).toString();
    const QString path = entry.value(QStringLiteral("path")).toString();
    const QUrlQuery query(entry.value(QStringLiteral("query")).toString());
    if (path == QLatin1String("/") && method == QLatin1String("POST"))
        return QStringLiteral("AssumeRole");
    if (method == QLatin1String("PUT"))
        return query.hasQueryItem(QStringLiteral("partNumber")) ? QStringLiteral("UploadPart") : QStringLiteral("PutObject");
    if (method == QLatin1String("POST")) {
        if (query.hasQueryItem(QStringLiteral("uploads")))
            return QStringLiteral("CreateMultipartUpload");
        if (query.hasQueryItem(QStringLiteral("uploadId")))
            return QStringLiteral("CompleteMultipartUpload");
        return query.hasQueryItem(QStringLiteral("delete")) ? QStringLiteral("DeleteObjects") : QStringLiteral("POST");
    }
    if (method == QLatin1String("DELETE"))
        return query.hasQueryItem(QStringLiteral("uploadId")) ? QStringLiteral("AbortMultipartUpload") : QStringLiteral("DeleteObject");
    if (method == QLatin1String("HEAD"))
        return QStringLiteral("HeadObject");
    if (method == QLatin1String("GET")) {
        if (query.hasQueryItem(QStringLiteral("list-type")))
            return QStringLiteral("ListObjectsV2");
        if (query.hasQueryItem(QStringLiteral("uploadId")))
            return QStringLiteral("ListParts");
        if (query.hasQueryItem(QStringLiteral("uploads")))
            return QStringLiteral("ListMultipartUploads");
        return path == QLatin1String("/") ? QStringLiteral("ListBuckets") : QStringLiteral("GetObject");
    }
    return method;
}

// The partNumber of an UploadPart (0 for anything else).
inline int proxyPartNumber(const QJsonObject &entry)
{
    return QUrlQuery(entry.value(QStringLiteral("query")).toString()).queryItemValue(QStringLiteral("partNumber")).toInt();
}

// Still being relayed (or held by a rule).
inline bool proxyInProgress(const QJsonObject &entry)
{
    return entry.value(QStringLiteral("outcome")).toString() == QLatin1String("in progress");
}

// Relayed whole with a 2xx from the server: the server has it.
inline bool proxyAcknowledged(const QJsonObject &entry)
{
    return entry.value(QStringLiteral("outcome")).toString() == QLatin1String("ok") && entry.value(QStringLiteral("status")).toInt() / 100 == 2;
}

inline bool proxyRuleApplied(const QJsonObject &entry)
{
    return entry.value(QStringLiteral("rule")).isObject();
}

} // namespace RoleDrop::Test
