// adviseOnDuration: a refused AssumeRole duration says what to ask for, in AWS's words and in RGW's silence.
#include "core/sts/assume_role_advice.h"

#include <QTest>

using namespace RoleDrop;

namespace {

AwsError refused(const QString &code, const QString &message)
{
    AwsError error;
    error.code = code;
    error.message = message;
    error.httpStatus = 400;
    error.kind = AwsError::kindFromCode(code, message, 400);
    error.action = QStringLiteral("sts:AssumeRole");
    error.resource = QStringLiteral("arn:aws:iam::123456789012:role/S3Access");
    return error;
}

} // namespace

class AssumeRoleAdviceTest final : public QObject
{
    Q_OBJECT

private slots:
    void awsValidationErrorAboveOneHourAdvisesOneHour()
    {
        AwsError error = refused(QStringLiteral("ValidationError"),
                                 QStringLiteral("The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));
        const auto advice = Sts::adviseOnDuration(error, 7200);
        QVERIFY(advice);
        QCOMPARE(advice->suggestedSeconds, 3600);
        QVERIFY2(advice->text.contains(QLatin1String("maximum session duration may be lower")), qPrintable(advice->text));
        QVERIFY2(advice->text.contains(QLatin1String("2 hours (7200 s)")), qPrintable(advice->text));
        QVERIFY2(advice->text.contains(QLatin1String("1 hour (3600 s)")), qPrintable(advice->text));

        // The line a user reads (window banner, CLI error) carries it, before the server's own words.
        error.advice = advice->text;
        const QString line = error.userMessage();
        QVERIFY2(line.contains(QLatin1String("maximum session duration")), qPrintable(line));
        QVERIFY(line.indexOf(QLatin1String("maximum session duration")) < line.indexOf(QLatin1String("Server message")));
        QVERIFY(line.contains(QLatin1String("[ValidationError, HTTP 400]")));
    }

    void rgwBareInvalidArgumentIsAdvisedToo()
    {
        const auto advice = Sts::adviseOnDuration(refused(QStringLiteral("InvalidArgument"), QString()), 43200);
        QVERIFY(advice);
        QCOMPARE(advice->suggestedSeconds, 3600);
        QVERIFY2(advice->text.contains(QLatin1String("12 hours (43200 s)")), qPrintable(advice->text));
    }

    void oddDurationsAreNamedInSeconds()
    {
        const auto advice = Sts::adviseOnDuration(refused(QStringLiteral("InvalidArgument"), QString()), 5000);
        QVERIFY(advice);
        QVERIFY2(advice->text.contains(QLatin1String("5000 s asked")), qPrintable(advice->text));
    }

    void noAdviceWhereTheDurationIsNotTheProblem()
    {
        // One hour or less is allowed by every role: something else was refused.
        QVERIFY(!Sts::adviseOnDuration(refused(QStringLiteral("InvalidArgument"), QString()), 3600));
        // AWS named another parameter.
        QVERIFY(!Sts::adviseOnDuration(refused(QStringLiteral("ValidationError"),
                                               QStringLiteral("1 validation error detected: Value at 'roleSessionName' failed")), 7200));
        // Not a parameter error at all.
        QVERIFY(!Sts::adviseOnDuration(refused(QStringLiteral("AccessDenied"), QStringLiteral("not authorized")), 7200));
        QVERIFY(!Sts::adviseOnDuration(AwsError::validation(QStringLiteral("Session duration 99999 s is out of range")), 99999));
    }
};

QTEST_MAIN(AssumeRoleAdviceTest)
#include "assume_role_advice_test.moc"
