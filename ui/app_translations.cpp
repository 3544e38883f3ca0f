#include "ui/app_translations.h"

#include <QCoreApplication>
#include <QTranslator>

namespace RoleDrop::Ui {

void installTranslations(QCoreApplication &app)
{
    // One translator for the process, whatever the locale: English is the language of the sources, and the
    // .qm adds what source text cannot say alone, the plural forms.
    static QTranslator *const english = [&app] {
        auto *translator = new QTranslator(&app);
        if (!translator->load(QStringLiteral(":/i18n/roledrop_en.qm")))
            qWarning("roledrop: the built-in English texts (:/i18n/roledrop_en.qm) are missing; plurals read \"(s)\"");
        QCoreApplication::installTranslator(translator);
        return translator;
    }();
    Q_UNUSED(english);
}

} // namespace RoleDrop::Ui
