#pragma once

#include <QByteArrayView>
#include <QDateTime>

namespace RoleDrop {

// An HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT", RFC 9110's IMF-fixdate) as UTC; invalid if malformed.
// Qt's RFC 2822 parser refuses the "GMT" zone name, which every S3 and STS server sends.
QDateTime parseHttpDate(QByteArrayView text);

} // namespace RoleDrop
