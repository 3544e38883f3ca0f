#pragma once

#include <QElapsedTimer>
#include <QString>

namespace RoleDrop::Cli {

// A one-line progress bar on stderr, drawn only when stderr is a terminal and at most 10 times a second.
class TerminalProgress
{
public:
    explicit TerminalProgress(bool enabled);
    void update(const QString &label, qint64 done, qint64 total);
    void finish();

private:
    bool m_enabled;
    bool m_drawn = false;
    QElapsedTimer m_started;
    QElapsedTimer m_lastDraw;
};

} // namespace RoleDrop::Cli
