#include "ui/app_resources.h"

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
}

} // namespace RoleDrop::Ui
