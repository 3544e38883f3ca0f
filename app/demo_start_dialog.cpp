#include "app/demo_start_dialog.h"

#include "app/demo_sandbox.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace RoleDrop::App {

DemoStartDialog::DemoStartDialog(DemoSandbox *sandbox, QWidget *parent) : QDialog(parent), m_sandbox(sandbox)
{
    setObjectName(QStringLiteral("demoStartDialog"));
    setWindowTitle(tr("Starting the RoleDrop demo"));
    setAccessibleName(tr("Starting the RoleDrop demo"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("The demo runs its own S3 and STS server (Ceph RGW) on this computer. "
                                "Starting it takes 20 to 50 seconds:"), this);
    intro->setObjectName(QStringLiteral("demoStartIntro"));
    intro->setAccessibleName(tr("About the demo's start"));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    const QStringList steps = DemoSandbox::steps();
    for (int i = 0; i < steps.size(); ++i) {
        auto *step = new QLabel(this);
        step->setObjectName(QStringLiteral("demoStep%1").arg(i + 1));
        step->setAccessibleName(steps.at(i));
        step->setTextFormat(Qt::RichText);
        layout->addWidget(step);
        m_steps.append(step);
    }
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("demoStartProgress"));
    m_progress->setAccessibleName(tr("Demo start-up progress"));
    m_progress->setRange(0, int(steps.size()));
    m_progress->setValue(0);
    m_progress->setFormat(tr("%v of %m steps done"));
    layout->addWidget(m_progress);
    m_elapsedLabel = new QLabel(this);
    m_elapsedLabel->setObjectName(QStringLiteral("demoStartElapsed"));
    m_elapsedLabel->setAccessibleName(tr("Time so far"));
    layout->addWidget(m_elapsedLabel);
    m_failure = new QLabel(this);
    m_failure->setObjectName(QStringLiteral("demoStartFailure"));
    m_failure->setAccessibleName(tr("Why the demo did not start"));
    m_failure->setWordWrap(true);
    m_failure->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_failure->setStyleSheet(QStringLiteral("QLabel { color: #8a1c12; }"));
    m_failure->hide();
    layout->addWidget(m_failure);
    auto *buttons = new QDialogButtonBox(this);
    m_cancel = buttons->addButton(QDialogButtonBox::Cancel);
    m_cancel->setObjectName(QStringLiteral("demoStartCancel"));
    m_cancel->setAccessibleName(tr("Cancel the demo"));
    m_cancel->setToolTip(tr("Stops what has started so far and quits the demo"));
    connect(m_cancel, &QPushButton::clicked, this, &DemoStartDialog::reject);
    layout->addWidget(buttons);
    setMinimumWidth(480);

    m_ticker = new QTimer(this);
    m_ticker->setInterval(1000);
    connect(m_ticker, &QTimer::timeout, this, &DemoStartDialog::updateElapsed);
    m_ticker->start();
    m_elapsed.start();
    updateElapsed();
    showStep(-1);

    connect(sandbox, &DemoSandbox::stepStarted, this, &DemoStartDialog::showStep);
    connect(sandbox, &DemoSandbox::ready, this, [this] {
        m_ticker->stop();
        accept();
    });
    connect(sandbox, &DemoSandbox::failed, this, &DemoStartDialog::showFailure);
    connect(sandbox, &DemoSandbox::cancelled, this, [this] {
        m_ticker->stop();
        QDialog::reject();
    });
}

void DemoStartDialog::showStep(int index)
{
    m_current = index;
    const QStringList steps = DemoSandbox::steps();
    for (int i = 0; i < m_steps.size(); ++i) {
        const QString text = steps.at(i).toHtmlEscaped();
        if (i < index)
            m_steps.at(i)->setText(QStringLiteral("✓ ") + text);
        else if (i == index)
            m_steps.at(i)->setText(QStringLiteral("<b>▸ %1…</b>").arg(text));
        else
            m_steps.at(i)->setText(QStringLiteral("<span style=\"color: #6b6b6b\">○ %1</span>").arg(text));
    }
    m_progress->setValue(std::max(0, index));
}

void DemoStartDialog::showFailure(const QString &message)
{
    m_failed = true;
    m_ticker->stop();
    m_failure->setText(message);
    m_failure->show();
    m_cancel->setText(tr("Close"));
    m_cancel->setAccessibleName(tr("Close"));
    m_cancel->setEnabled(true);
}

void DemoStartDialog::updateElapsed()
{
    const qint64 seconds = m_elapsed.elapsed() / 1000;
    m_elapsedLabel->setText(seconds == 1 ? tr("1 second so far") : tr("%1 seconds so far").arg(seconds));
}

void DemoStartDialog::reject()
{
    // Esc, the window's close button and Cancel all come here: the start-up is stopped first, then the dialog goes.
    if (m_failed || !m_sandbox->isStarting())
        return QDialog::reject();
    if (m_cancelling)
        return;
    m_cancelling = true;
    m_cancel->setEnabled(false);
    m_cancel->setText(tr("Stopping…"));
    m_elapsedLabel->setText(tr("Stopping what has started so far…"));
    m_sandbox->cancel();
}

} // namespace RoleDrop::App
