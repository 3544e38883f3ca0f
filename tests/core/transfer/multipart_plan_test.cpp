#include "core/transfer/multipart_plan.h"

#include <QTest>

#include <algorithm>
#include <limits>

using namespace RoleDrop;

namespace {

constexpr qint64 KiB = 1024;
constexpr qint64 MiB = 1024 * KiB;
constexpr qint64 GiB = 1024 * MiB;
constexpr qint64 TiB = 1024 * GiB;

// Every rule S3 puts on a plan; empty when `parts` is a valid plan for `fileSize`.
QString planProblem(const QList<Transfers::PartRange> &parts, qint64 fileSize)
{
    if (parts.isEmpty())
        return QStringLiteral("no parts");
    if (parts.size() > Transfers::MultipartLimits::maxParts)
        return QStringLiteral("%1 parts").arg(parts.size());
    qint64 expectedOffset = 0;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const Transfers::PartRange &part = parts.at(i);
        const bool last = i == parts.size() - 1;
        if (part.number != i + 1)
            return QStringLiteral("part %1 is numbered %2").arg(i + 1).arg(part.number);
        if (part.offset != expectedOffset)
            return QStringLiteral("part %1 starts at %2, not %3").arg(part.number).arg(part.offset).arg(expectedOffset);
        if (part.length > Transfers::MultipartLimits::maxPartSize)
            return QStringLiteral("part %1 is %2 bytes").arg(part.number).arg(part.length);
        if (!last && part.length < Transfers::MultipartLimits::minPartSize)
            return QStringLiteral("part %1 of %2 is only %3 bytes").arg(part.number).arg(parts.size()).arg(part.length);
        if (!last && part.length != parts.first().length)
            return QStringLiteral("part %1 differs in size from part 1").arg(part.number);
        if (last && part.length > parts.first().length)
            return QStringLiteral("the last part is larger than the others");
        if (part.length <= 0 && fileSize > 0)
            return QStringLiteral("part %1 is empty").arg(part.number);
        expectedOffset += part.length;
    }
    if (expectedOffset != fileSize)
        return QStringLiteral("parts cover %1 bytes, the file has %2").arg(expectedOffset).arg(fileSize);
    return QString();
}

} // namespace

class MultipartPlanTest final : public QObject
{
    Q_OBJECT

private slots:
    void plans_data();
    void plans();
    void emptyFileIsOneEmptyPart();
    void refused_data();
    void refused();
    void manySizesGiveValidPlans();
};

void MultipartPlanTest::plans_data()
{
    QTest::addColumn<qint64>("fileSize");
    QTest::addColumn<qint64>("preferred");
    QTest::addColumn<qint64>("partSize");   // length of part 1, worked out by hand from S3's limits
    QTest::addColumn<int>("partCount");
    QTest::addColumn<qint64>("lastLength");

    QTest::newRow("1 byte") << qint64(1) << 8 * MiB << qint64(1) << 1 << qint64(1);
    QTest::newRow("exactly one part") << 8 * MiB << 8 * MiB << 8 * MiB << 1 << 8 * MiB;
    QTest::newRow("one byte over one part") << 8 * MiB + 1 << 8 * MiB << 8 * MiB << 2 << qint64(1);
    QTest::newRow("whole parts") << 20 * MiB << 5 * MiB << 5 * MiB << 4 << 5 * MiB;
    QTest::newRow("smaller last part") << 23 * MiB + 17 << 5 * MiB << 5 * MiB << 5 << 3 * MiB + 17;
    QTest::newRow("preferred below 5 MiB clamped") << 12 * MiB << 1 * MiB << 5 * MiB << 3 << 2 * MiB;
    QTest::newRow("preferred 0 clamped") << 12 * MiB << qint64(0) << 5 * MiB << 3 << 2 * MiB;
    QTest::newRow("preferred negative clamped") << 12 * MiB << qint64(-1) << 5 * MiB << 3 << 2 * MiB;
    QTest::newRow("preferred above 5 GiB clamped") << 11 * GiB << 6 * GiB << 5 * GiB << 3 << 1 * GiB;
    QTest::newRow("exactly 10,000 parts") << 10000 * 5 * MiB << 5 * MiB << 5 * MiB << 10000 << 5 * MiB;
    // One byte more than 10,000 x 5 MiB: the smallest fitting size is 5 MiB + 1, rounded up to 6 MiB.
    QTest::newRow("10,001 parts needed") << 10000 * 5 * MiB + 1 << 5 * MiB << 6 * MiB << 8334 << 50000 * MiB + 1 - 8333 * 6 * MiB;
    // 100 GiB / 10,000 = 10.24 MiB, rounded up to 11 MiB: 102400 / 11 = 9309.1 -> 9310 parts.
    QTest::newRow("100 GiB with 5 MiB preferred") << 100 * GiB << 5 * MiB << 11 * MiB << 9310 << 100 * GiB - 9309 * 11 * MiB;
    QTest::newRow("100 GiB with 64 MiB preferred") << 100 * GiB << 64 * MiB << 64 * MiB << 1600 << 64 * MiB;
    // 5 TiB / 10,000 = 524.288 MiB -> 525 MiB: 5242880 / 525 = 9986.4 -> 9987 parts.
    QTest::newRow("5 TiB, the largest object") << 5 * TiB << 5 * MiB << 525 * MiB << 9987 << 5 * TiB - 9986 * 525 * MiB;
}

void MultipartPlanTest::plans()
{
    QFETCH(qint64, fileSize);
    QFETCH(qint64, preferred);
    QFETCH(qint64, partSize);
    QFETCH(int, partCount);
    QFETCH(qint64, lastLength);

    const auto plan = Transfers::planMultipart(fileSize, preferred);
    QVERIFY2(plan.ok(), qPrintable(plan.error().message));
    const QString problem = planProblem(plan.value(), fileSize);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(plan->first().length, partSize);
    QCOMPARE(plan->size(), partCount);
    QCOMPARE(plan->last().length, lastLength);
}

void MultipartPlanTest::emptyFileIsOneEmptyPart()
{
    const auto plan = Transfers::planMultipart(0, 8 * MiB);
    QVERIFY2(plan.ok(), qPrintable(plan.error().message));
    QCOMPARE(plan->size(), 1);
    QCOMPARE(plan->first().number, 1);
    QCOMPARE(plan->first().offset, qint64(0));
    QCOMPARE(plan->first().length, qint64(0));
}

void MultipartPlanTest::refused_data()
{
    QTest::addColumn<qint64>("fileSize");
    QTest::newRow("negative") << qint64(-1);
    QTest::newRow("very negative") << std::numeric_limits<qint64>::min();
    QTest::newRow("5 TiB + 1") << 5 * TiB + 1;
    QTest::newRow("6 TiB") << 6 * TiB;
    QTest::newRow("largest qint64") << std::numeric_limits<qint64>::max();
}

void MultipartPlanTest::refused()
{
    QFETCH(qint64, fileSize);
    const auto plan = Transfers::planMultipart(fileSize, 8 * MiB);
    QVERIFY(!plan.ok());
    QCOMPARE(plan.error().kind, AwsErrorKind::Validation);
    QVERIFY(!plan.error().message.isEmpty());
}

void MultipartPlanTest::manySizesGiveValidPlans()
{
    // Sizes around every boundary the plan depends on, with several preferred sizes each.
    const QList<qint64> sizes = {1, 5 * MiB - 1, 5 * MiB, 5 * MiB + 1, 50000 * MiB - 1, 50000 * MiB, 50000 * MiB + 1,
                                 60000 * MiB + 12345, 1 * TiB, 1 * TiB + 1, 5 * TiB - 1, 5 * TiB};
    const QList<qint64> preferred = {-5, 0, 1, 5 * MiB, 5 * MiB + 1, 16 * MiB, 100 * MiB + 3, 5 * GiB, 5 * GiB + 1};
    for (const qint64 size : sizes) {
        for (const qint64 wish : preferred) {
            const auto plan = Transfers::planMultipart(size, wish);
            QVERIFY2(plan.ok(), qPrintable(plan.error().message));
            const QString problem = planProblem(plan.value(), size);
            QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("size %1, preferred %2: %3").arg(size).arg(wish).arg(problem)));
            // The preferred size (once clamped) is kept whenever it fits in 10,000 parts.
            const qint64 clamped = std::clamp(wish, Transfers::MultipartLimits::minPartSize, Transfers::MultipartLimits::maxPartSize);
            if ((size + clamped - 1) / clamped <= Transfers::MultipartLimits::maxParts)
                QCOMPARE(plan->first().length, std::min(clamped, size));
            else
                QVERIFY2(plan->first().length % MiB == 0, qPrintable(QString::number(plan->first().length)));
        }
    }
}

QTEST_GUILESS_MAIN(MultipartPlanTest)
#include "multipart_plan_test.moc"
