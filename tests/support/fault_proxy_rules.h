#pragma once

// Rules for the fault proxy (tests/servers/fault_proxy.py, a TEST TOOL; format in tests/servers/README.md) as
// the e2e and window tests write them: what a rule matches (every UploadPart, one part, a whole PUT, the
// completion, a ranged GET) and what it does (hold a request, or any action object).

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <algorithm>

namespace RoleDrop::Test {

// A named rule; `times` (-1: always) and `skip` (matching requests let through first) as the proxy counts them.
inline QJsonObject rule(const QString &name, const QJsonObject &match, const QJsonObject &action, int times = -1, int skip = 0)
{
    QJsonObject spec{{QStringLiteral("name"), name}, {QStringLiteral("match"), match}, {QStringLiteral("action"), action}};
    if (times >= 0)
        spec.insert(QStringLiteral("times"), times);
    if (skip > 0)
        spec.insert(QStringLiteral("skip"), skip);
    return spec;
}

inline QJsonObject anyPart()
{
    return {{QStringLiteral("method"), QStringLiteral("PUT")},
            {QStringLiteral("query"), QJsonObject{{QStringLiteral("partNumber"), true}, {QStringLiteral("uploadId"), true}}}};
}
inline QJsonObject part(int number)
{
    return {{QStringLiteral("method"), QStringLiteral("PUT")},
            {QStringLiteral("query"), QJsonObject{{QStringLiteral("partNumber"), QString::number(number)}, {QStringLiteral("uploadId"), true}}}};
}
inline QJsonObject wholePut()
{
    return {{QStringLiteral("method"), QStringLiteral("PUT")}, {QStringLiteral("query"), QJsonObject{{QStringLiteral("partNumber"), false}}}};
}
inline QJsonObject completion()
{
    return {{QStringLiteral("method"), QStringLiteral("POST")}, {QStringLiteral("query"), QJsonObject{{QStringLiteral("uploadId"), true}}}};
}
inline QJsonObject rangedGet()
{
    return {{QStringLiteral("method"), QStringLiteral("GET")}, {QStringLiteral("headers"), QJsonObject{{QStringLiteral("Range"), true}}}};
}

// Holds a request this long before relaying it.
inline QJsonObject hold(double seconds) { return {{QStringLiteral("delay_request"), seconds}}; }

// Lets the first `passing` matching requests through and holds every later one (so a kill lands at a known point).
inline QJsonArray holdAfter(const QJsonObject &match, int passing, double seconds = 300)
{
    return {rule(QStringLiteral("hold the rest"), match, hold(seconds), -1, passing)};
}

// "1,2,5": part numbers for messages.
inline QString numbersText(const QSet<int> &numbers)
{
    QList<int> sorted(numbers.cbegin(), numbers.cend());
    std::sort(sorted.begin(), sorted.end());
    QStringList text;
    for (int n : sorted)
        text << QString::number(n);
    return text.join(QLatin1Char(','));
}

} // namespace RoleDrop::Test
