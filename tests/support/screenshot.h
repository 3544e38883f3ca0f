#pragma once

// Screenshots the window tests leave for people to look at: $ROLEDROP_SCREENSHOT_DIR/<name>.png (ctest sets it
// to <build>/screenshots; /tmp otherwise).

#include <QDir>
#include <QPixmap>
#include <QString>
#include <QWidget>

namespace RoleDrop::Test {

// False when the PNG could not be written (the caller decides whether that fails its test).
inline bool saveScreenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("ROLEDROP_SCREENSHOT_DIR", QStringLiteral("/tmp"));
    QDir().mkpath(dir);
    return widget->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
}

} // namespace RoleDrop::Test
