// When a presigned URL really stops working: at the expiry asked for, or when the role session that signed it ends.
#include "core/session/presigned_url.h"

#include <QTest>

using namespace RoleDrop;

class PresignedUrlTest final : public QObject
{
    Q_OBJECT

private slots:
    void presignEndsWithTheRoleSession()
    {
        const QDateTime now(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC);
        Auth::Identity role;
        role.kind = Auth::Identity::Kind::AssumedRole;
        role.expiration = now.addSecs(3600);
        const Sessions::PresignValidity week = Sessions::presignValidity(now, 7 * 86400, role);
        QVERIFY(week.cutBySession);
        QCOMPARE(week.end, role.expiration);
        const Sessions::PresignValidity quarter = Sessions::presignValidity(now, 900, role);
        QVERIFY(!quarter.cutBySession);
        QCOMPARE(quarter.end, now.addSecs(900));
        Auth::Identity base;
        base.kind = Auth::Identity::Kind::BaseUser;
        QVERIFY(!Sessions::presignValidity(now, 7 * 86400, base).cutBySession);
    }
};

QTEST_GUILESS_MAIN(PresignedUrlTest)
#include "presigned_url_test.moc"
