#include "ui/app_resources.h"

#include "ui/app_translations.h"

#include <QCoreApplication>
#include <QtGlobal>

// Q_INIT_RESOURCE must be used outside any namespace.
static void registerRoleDropResources()
{
    Q_INIT_RESOURCE(roledrop);
}

namespace RoleDrop::Ui {

void initResources()
{
    static const bool done = (registerRoleDropResources(), true);
    Q_UNUSED(done);
    if (QCoreApplication *app = QCoreApplication::instance())
        installTranslations(*app);
}

} // namespace RoleDrop::Ui
