#include "app/terminal_progress.h"

#include "core/common/human_size.h"

#include <cstdio>
#include <unistd.h>

namespace RoleDrop::Cli {

TerminalProgress::TerminalProgress(bool enabled) : m_enabled(enabled && isatty(STDERR_FILENO))
{
    m_started.start();
}

void TerminalProgress::update(const QString &label, qint64 done, qint64 total)
{
    if (!m_enabled || (m_lastDraw.isValid() && m_lastDraw.elapsed() < 100 && done < total))
        return;
    m_lastDraw.start();
    const int width = 30;
    const int filled = total > 0 ? int(width * double(done) / double(total)) : 0;
    const double seconds = std::max<qint64>(1, m_started.elapsed()) / 1000.0;
    const QString line = QStringLiteral("\r[%1%2] %3 / %4  %5/s  %6")
                             .arg(QString(filled, QLatin1Char('#')), QString(width - filled, QLatin1Char('.')),
                                  humanSize(done, QLocale::c()), humanSize(total, QLocale::c()), humanSize(qint64(done / seconds), QLocale::c()), label.right(40));
    std::fputs(line.toLocal8Bit().constData(), stderr);
    std::fputs("\033[K", stderr);
    std::fflush(stderr);
    m_drawn = true;
}

void TerminalProgress::finish()
{
    if (m_drawn) {
        std::fputs("\n", stderr);
        m_drawn = false;
    }
}

} // namespace RoleDrop::Cli
