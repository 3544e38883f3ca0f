#pragma once

#include <QDialog>
#include <QElapsedTimer>

class QLabel;
class QProgressBar;
class QPushButton;
class QTimer;

namespace RoleDrop::App {

class DemoSandbox;

// What the window shows while the demo's server starts (20-50 s): each step of DemoSandbox as it is reached,
// the time so far, and Cancel, which stops the start-up cleanly (the dialog stays until that is done, then
// closes with reject()). It closes with accept() once the sandbox is ready; a failure stays on screen, said.
class DemoStartDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoStartDialog)
public:
    DemoStartDialog(DemoSandbox *sandbox, QWidget *parent = nullptr);

    int currentStep() const { return m_current; }
    bool failedToStart() const { return m_failed; }

protected:
    void reject() override;

private:
    void showStep(int index);
    void showFailure(const QString &message);
    void updateElapsed();

    DemoSandbox *m_sandbox;
    QList<QLabel *> m_steps;
    QProgressBar *m_progress = nullptr;
    QLabel *m_elapsedLabel = nullptr;
    QLabel *m_failure = nullptr;
    QPushButton *m_cancel = nullptr;
    QTimer *m_ticker = nullptr;
    QElapsedTimer m_elapsed;
    int m_current = -1;
    bool m_failed = false;
    bool m_cancelling = false;
};

} // namespace RoleDrop::App
