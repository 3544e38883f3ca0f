#include "core/sts/role_arn.h"

#include <QTest>

using namespace RoleDrop;

// QFETCH without a local variable, for comparisons of many columns.
#define FETCHED(Type, name) (*static_cast<Type *>(QTest::qData(#name, ::qMetaTypeId<Type>())))

class RoleArnTest final : public QObject
{
    Q_OBJECT

private slots:
    void parsesValidRoleArns_data()
    {
        QTest::addColumn<QString>("arn");
        QTest::addColumn<QString>("partition");
        QTest::addColumn<QString>("account");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("name");
        QTest::newRow("plain") << "arn:aws:iam::123456789012:role/S3Access" << "aws" << "123456789012" << "/" << "S3Access";
        QTest::newRow("ceph empty account") << "arn:aws:iam:::role/S3Access" << "aws" << "" << "/" << "S3Access";
        QTest::newRow("path") << "arn:aws:iam::123456789012:role/division_abc/sub/Admin" << "aws" << "123456789012"
                              << "/division_abc/sub/" << "Admin";
        QTest::newRow("china") << "arn:aws-cn:iam::123456789012:role/r" << "aws-cn" << "123456789012" << "/" << "r";
        QTest::newRow("govcloud") << "arn:aws-us-gov:iam::123456789012:role/r" << "aws-us-gov" << "123456789012" << "/" << "r";
        QTest::newRow("all name chars") << "arn:aws:iam::123456789012:role/a_Z9+=,.@-" << "aws" << "123456789012" << "/" << "a_Z9+=,.@-";
        QTest::newRow("64 chars") << "arn:aws:iam::123456789012:role/" + QString(64, 'r') << "aws" << "123456789012" << "/" << QString(64, 'r');
        QTest::newRow("surrounding spaces") << "  arn:aws:iam::123456789012:role/R \n" << "aws" << "123456789012" << "/" << "R";
    }
    void parsesValidRoleArns()
    {
        QFETCH(QString, arn);
        const auto parsed = Sts::parseRoleArn(arn);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error().message));
        QCOMPARE(parsed->partition, FETCHED(QString, partition));
        QCOMPARE(parsed->accountId, FETCHED(QString, account));
        QCOMPARE(parsed->path, FETCHED(QString, path));
        QCOMPARE(parsed->roleName, FETCHED(QString, name));
        // toString gives back exactly what was parsed, so the ARN can round-trip through settings.
        QCOMPARE(parsed->toString(), arn.trimmed());
        QCOMPARE(Sts::parseRoleArn(parsed->toString()).value(), parsed.value());
    }

    void rejectsInvalidRoleArns_data()
    {
        QTest::addColumn<QString>("arn");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("empty") << "" << "is empty";
        QTest::newRow("not an arn") << "S3Access" << "is not an ARN";
        QTest::newRow("too few parts") << "arn:aws:iam::role/x" << "is not an ARN";
        QTest::newRow("short account") << "arn:aws:iam::1234:role/x" << "Account ID must be 12 digits, got '1234'";
        QTest::newRow("13 digits") << "arn:aws:iam::1234567890123:role/x" << "must be 12 digits";
        QTest::newRow("letters in account") << "arn:aws:iam::12345678901a:role/x" << "must be 12 digits";
        QTest::newRow("partition") << "arn:azure:iam::123456789012:role/x" << "Unknown partition 'azure'";
        QTest::newRow("region") << "arn:aws:iam:us-east-1:123456789012:role/x" << "have no region";
        QTest::newRow("service") << "arn:aws:s3:::bucket/key" << "got service 's3'";
        QTest::newRow("user") << "arn:aws:iam::123456789012:user/james" << "IAM 'user' ARN, not a role ARN";
        QTest::newRow("assumed role") << "arn:aws:sts::123456789012:assumed-role/Admin/sess"
                                      << "use arn:aws:iam::123456789012:role/Admin";
        QTest::newRow("no name") << "arn:aws:iam::123456789012:role/" << "Role name is empty";
        QTest::newRow("trailing slash") << "arn:aws:iam::123456789012:role/path/" << "Role name is empty";
        QTest::newRow("65 chars") << "arn:aws:iam::123456789012:role/" + QString(65, 'r') << "1-64";
        QTest::newRow("space in name") << "arn:aws:iam::123456789012:role/bad name" << "got 'bad name'";
        QTest::newRow("unicode name") << QString::fromUtf8("arn:aws:iam::123456789012:role/r\xC3\xB4le") << "1-64";
        QTest::newRow("double slash") << "arn:aws:iam::123456789012:role/a//b" << "empty segment";
        QTest::newRow("bad path char") << "arn:aws:iam::123456789012:role/a*b/c" << "path segment 'a*b'";
        QTest::newRow("uppercase ARN prefix") << "ARN:aws:iam::123456789012:role/x" << "is not an ARN";
    }
    void rejectsInvalidRoleArns()
    {
        QFETCH(QString, arn);
        QFETCH(QString, messagePart);
        const auto parsed = Sts::parseRoleArn(arn);
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().kind, AwsErrorKind::Validation);
        QVERIFY2(parsed.error().message.contains(messagePart), qPrintable(parsed.error().message));
    }

    void longInputIsTruncatedInMessages()
    {
        const QString huge = "arn:aws:iam::123456789012:role/" + QString(5000, 'x') + " y";
        const auto parsed = Sts::parseRoleArn(huge);
        QVERIFY(!parsed.ok());
        QVERIFY(parsed.error().message.size() < 600);
    }

    void switchRoleForm_data()
    {
        QTest::addColumn<QString>("account");
        QTest::addColumn<QString>("role");
        QTest::addColumn<QString>("expectedArn"); // empty: an error containing messagePart
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("id and name") << "123456789012" << "Admin" << "arn:aws:iam::123456789012:role/Admin" << "";
        QTest::newRow("dashed id") << "1234-5678-9012" << "Admin" << "arn:aws:iam::123456789012:role/Admin" << "";
        QTest::newRow("spaces trimmed") << " 123456789012 " << " Admin " << "arn:aws:iam::123456789012:role/Admin" << "";
        QTest::newRow("name with path") << "123456789012" << "team/ops/Admin" << "arn:aws:iam::123456789012:role/team/ops/Admin" << "";
        QTest::newRow("leading slash path") << "123456789012" << "/team/Admin" << "arn:aws:iam::123456789012:role/team/Admin" << "";
        QTest::newRow("full ARN wins over account") << "999999999999" << "arn:aws:iam::123456789012:role/Admin"
                                                    << "arn:aws:iam::123456789012:role/Admin" << "";
        QTest::newRow("full ARN with bad account field") << "nonsense" << "arn:aws:iam:::role/S3Access" << "arn:aws:iam:::role/S3Access" << "";
        QTest::newRow("short account") << "1234" << "Admin" << "" << "Account ID must be 12 digits, got '1234'";
        QTest::newRow("badly dashed") << "123-456-789-012" << "Admin" << "" << "must be 12 digits";
        QTest::newRow("empty account") << "" << "Admin" << "" << "Account ID is empty";
        QTest::newRow("empty role") << "123456789012" << "" << "" << "Role name is empty";
        QTest::newRow("bad role name") << "123456789012" << "Ad min" << "" << "got 'Ad min'";
        QTest::newRow("bad full ARN") << "123456789012" << "arn:aws:iam::123456789012:user/bob" << "" << "not a role ARN";
    }
    void switchRoleForm()
    {
        QFETCH(QString, account);
        QFETCH(QString, role);
        QFETCH(QString, expectedArn);
        QFETCH(QString, messagePart);
        const auto arn = Sts::roleArnFromAccountAndName(account, role);
        if (expectedArn.isEmpty()) {
            QVERIFY(!arn.ok());
            QVERIFY2(arn.error().message.contains(messagePart), qPrintable(arn.error().message));
        } else {
            QVERIFY2(arn.ok(), qPrintable(arn.error().message));
            QCOMPARE(arn->toString(), expectedArn);
        }
    }

    void switchRoleFormUsesPartition()
    {
        QCOMPARE(Sts::roleArnFromAccountAndName("123456789012", "R", "aws-cn")->toString(), QString("arn:aws-cn:iam::123456789012:role/R"));
        QVERIFY(!Sts::roleArnFromAccountAndName("123456789012", "R", "mars").ok());
    }

    void assumedRoleArns_data()
    {
        QTest::addColumn<QString>("arn");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("role");
        QTest::addColumn<QString>("session");
        QTest::newRow("aws") << "arn:aws:sts::123456789012:assumed-role/Admin/alice" << true << "Admin" << "alice";
        QTest::newRow("ceph") << "arn:aws:sts:::assumed-role/S3Access/tt" << true << "S3Access" << "tt";
        QTest::newRow("email session") << "arn:aws:sts::123456789012:assumed-role/R/a.b@c.com" << true << "R" << "a.b@c.com";
        QTest::newRow("role arn") << "arn:aws:iam::123456789012:role/Admin" << false << "" << "";
        QTest::newRow("user arn") << "arn:aws:iam::123456789012:user/alice" << false << "" << "";
        QTest::newRow("no session") << "arn:aws:sts::123456789012:assumed-role/Admin" << false << "" << "";
        QTest::newRow("extra part") << "arn:aws:sts::123456789012:assumed-role/a/b/c" << false << "" << "";
        QTest::newRow("1-char session") << "arn:aws:sts::123456789012:assumed-role/Admin/a" << false << "" << "";
        QTest::newRow("federated") << "arn:aws:sts::123456789012:federated-user/bob" << false << "" << "";
        QTest::newRow("garbage") << "assumed-role/Admin/x" << false << "" << "";
    }
    void assumedRoleArns()
    {
        QFETCH(QString, arn);
        QFETCH(bool, valid);
        QCOMPARE(Sts::isAssumedRoleArn(arn), valid);
        const auto parsed = Sts::parseAssumedRoleArn(arn);
        QCOMPARE(parsed.ok(), valid);
        if (valid) {
            QCOMPARE(parsed->roleName, FETCHED(QString, role));
            QCOMPARE(parsed->sessionName, FETCHED(QString, session));
            QCOMPARE(parsed->toString(), arn);
            QCOMPARE(parsed->roleArn().roleName, parsed->roleName);
            QVERIFY(Sts::parseRoleArn(parsed->roleArn().toString()).ok());
        }
    }

    void iamUserArns_data()
    {
        QTest::addColumn<QString>("arn");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("path");
        QTest::newRow("aws") << "arn:aws:iam::123456789012:user/james" << true << "james" << "/";
        QTest::newRow("ceph") << "arn:aws:iam:::user/james" << true << "james" << "/";
        QTest::newRow("path") << "arn:aws:iam::123456789012:user/dev/james" << true << "james" << "/dev/";
        QTest::newRow("role") << "arn:aws:iam::123456789012:role/james" << false << "" << "";
        QTest::newRow("bad name") << "arn:aws:iam::123456789012:user/ja mes" << false << "" << "";
        QTest::newRow("root") << "arn:aws:iam::123456789012:root" << false << "" << "";
    }
    void iamUserArns()
    {
        QFETCH(QString, arn);
        QFETCH(bool, valid);
        const auto parsed = Sts::parseIamUserArn(arn);
        QCOMPARE(parsed.ok(), valid);
        if (valid) {
            QCOMPARE(parsed->userName, FETCHED(QString, user));
            QCOMPARE(parsed->path, FETCHED(QString, path));
            QCOMPARE(parsed->toString(), arn);
        }
    }

};

QTEST_GUILESS_MAIN(RoleArnTest)
#include "role_arn_test.moc"
