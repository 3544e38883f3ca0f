#include "ui/main_window.h"

#include "ui/app_resources.h"
#include "core/session/session.h"
#include "ui/browser/bucket_browser.h"
#include "ui/identity/identity_bar.h"
#include "ui/identity/identity_center_sign_in.h"
#include "ui/identity/mfa_prompt.h"
#include "ui/keyboard_shortcuts_dialog.h"
#include "ui/local_file_dialog.h"
#include "ui/profiles/profile_list.h"
#include "ui/proxy_login_dialog.h"
#include "ui/identity/switch_role_dialog.h"
#include "ui/transfers/transfer_controller.h"
#include "ui/transfers/transfer_queue_view.h"
#include "ui/transfers/unfinished_uploads_dialog.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QSettings>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QVBoxLayout>

namespace RoleDrop::Ui {

MainWindow::MainWindow(Sessions::Session *session, QSettings &settings, QWidget *parent)
    : QMainWindow(parent), m_session(session), m_settings(settings)
{
    initResources();
    rememberLocalFoldersIn(&m_settings);
    setWindowTitle(tr("RoleDrop"));
    setWindowIcon(QIcon::fromTheme(QStringLiteral("roledrop"), QIcon(QStringLiteral(":/icons/roledrop.svg"))));
    // The smallest size at which the identity bar, the toolbars and the queue's buttons all fit side by side
    // (tests/ui/window_layout_test.cpp checks that nothing overlaps or is cut there).
    setMinimumSize(720, 480);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_identityBar = new IdentityBar(session, central);
    layout->addWidget(m_identityBar);
    m_splitter = new QSplitter(Qt::Horizontal, central);
    m_profiles = new ProfileList(session, m_splitter);
    m_browser = new BucketBrowser(session, m_splitter);
    m_splitter->addWidget(m_profiles);
    m_splitter->addWidget(m_browser);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({260, 740});
    layout->addWidget(m_splitter, 1);
    setCentralWidget(central);

    m_transfers = new TransferController(session, this, this);
    m_queueView = new TransferQueueView(session, this);
    m_queueDock = new QDockWidget(tr("Transfers"), this);
    m_queueDock->setObjectName(QStringLiteral("transfersDock"));
    m_queueDock->setWidget(m_queueView);
    m_queueDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::BottomDockWidgetArea, m_queueDock);

    m_regionLabel = new QLabel(this);
    m_endpointLabel = new QLabel(this);
    m_endpointLabel->setObjectName(QStringLiteral("endpointLabel"));
    m_errorLabel = new QLabel(this);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addWidget(m_errorLabel, 1);
    statusBar()->addPermanentWidget(m_endpointLabel);
    statusBar()->addPermanentWidget(m_regionLabel);

    connect(m_identityBar, &IdentityBar::switchRoleRequested, this, &MainWindow::openSwitchRoleDialog);
    connect(m_browser, &BucketBrowser::switchRoleRequested, this, &MainWindow::openSwitchRoleDialog);
    connect(m_browser, &BucketBrowser::uploadRequested, m_transfers, &TransferController::upload);
    connect(m_browser, &BucketBrowser::downloadRequested, m_transfers, &TransferController::download);
    connect(m_browser, &BucketBrowser::errorOccurred, this, &MainWindow::showError);
    connect(m_profiles, &ProfileList::noticed, this, [this](const QString &message) { statusBar()->showMessage(message, 15000); });
    connect(m_transfers, &TransferController::uploadsFinishedInto, m_browser, &BucketBrowser::refreshIfShowing);
    connect(m_transfers, &TransferController::errorOccurred, this, &MainWindow::showError);
    connect(session, &Sessions::Session::identityChanged, this, &MainWindow::showIdentity);
    connect(session, &Sessions::Session::errorOccurred, this, &MainWindow::showError);
    connect(session, &Sessions::Session::profileFailed, this, [this](const QString &, const AwsError &error) { showError(error); });
    connect(session, &Sessions::Session::profileOpened, this, [this](const QString &name) {
        // Only RoleDrop's own profiles are offered again at the next start (the window lists no others).
        if (m_session->activeProfileSource() == QLatin1String("keychain"))
            m_settings.setValue(QStringLiteral("session/lastProfile"), name);
        m_browser->goToRememberedPlace();
        offerInterruptedUploads(true);
    });
    // Uploads that ran as a role are offered when that role is active again (it is what can write there).
    connect(session, &Sessions::Session::identityChanged, this, [this] { offerInterruptedUploads(false); });
    // Identity Center profiles sign in first (the browser, or a device code) wherever they are opened from.
    m_identityCenter = new IdentityCenterSignIn(session, this);
    m_profiles->setProfileOpener([this](const QString &name) { m_identityCenter->openProfile(name); });
    connect(m_identityCenter, &IdentityCenterSignIn::signInFailed, this, [this](const QString &message) {
        m_errorLabel->setText(message);
        m_errorLabel->setToolTip(message);
    });
    installMfaPrompt(session, this);
    installProxyLoginPrompt(session, this);

    clearStaleErrors();
    buildMenus();
    buildToolBar();
    restoreLayout();
    showIdentity(session->identity());
}

MainWindow::~MainWindow()
{
    rememberLocalFoldersIn(nullptr);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    addFileActions(file);
    file->addAction(QIcon::fromTheme(QStringLiteral("document-send")), tr("Unfinished &Uploads…"), this, &MainWindow::openUnfinishedUploads)
        ->setToolTip(tr("Uploads the server holds unfinished in the open bucket: resume or abort them"));
    file->addSeparator();
    QAction *quit = file->addAction(QIcon::fromTheme(QStringLiteral("application-exit")), tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *identity = menuBar()->addMenu(tr("&Identity"));
    QAction *switchRole = identity->addAction(QIcon::fromTheme(QStringLiteral("system-switch-user"), QIcon(QStringLiteral(":/icons/switch-role.svg"))),
                                              tr("&Switch Role…"), this, &MainWindow::openSwitchRoleDialog);
    switchRole->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    switchRole->setObjectName(QStringLiteral("switchRoleAction"));
    identity->addAction(QIcon::fromTheme(QStringLiteral("go-previous"), QIcon(QStringLiteral(":/icons/back.svg"))),
                        tr("&Back to Base Identity"), m_session, &Sessions::Session::backToBase);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *refresh = view->addAction(QIcon::fromTheme(QStringLiteral("view-refresh"), style()->standardIcon(QStyle::SP_BrowserReload)),
                                       tr("&Refresh"), m_browser, &BucketBrowser::reload);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setObjectName(QStringLiteral("refreshAction"));
    QAction *showQueue = m_queueDock->toggleViewAction();
    showQueue->setText(tr("&Transfers"));
    showQueue->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    view->addAction(showQueue);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    addShortcutsHelp(help);
    help->addAction(tr("&About RoleDrop"), this, [this] {
        QMessageBox::about(this, tr("About RoleDrop"),
                           tr("<b>RoleDrop %1</b><p>Switch AWS role, browse S3, drag files in.</p>").arg(QApplication::applicationVersion()));
    });
}

void MainWindow::restoreLayout()
{
    QSettings &settings = m_settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1100, 720);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
}

void MainWindow::saveLayout()
{
    QSettings &settings = m_settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
}

void MainWindow::setBrowserOpener(std::function<bool(const QUrl &)> opener)
{
    m_identityCenter->setBrowserOpener(std::move(opener));
}

void MainWindow::restoreLastProfile()
{
    const QString last = m_settings.value(QStringLiteral("session/lastProfile")).toString();
    // A failure shows through the session's profileFailed, like any other opening.
    if (!last.isEmpty() && m_session->profiles().contains(last))
        m_identityCenter->openProfile(last);
    else if (const QStringList names = m_session->profiles().names(); names.size() == 1)
        m_identityCenter->openProfile(names.first());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_closing) {
        // The cleanup waited for below is over (or ran out of time): now the window goes.
        saveLayout();
        event->accept();
        return;
    }
    if (const int pending = m_session->transfers().pendingCount(); pending > 0) {
        QMessageBox box(QMessageBox::Question, tr("Transfers in progress"),
                        pending == 1 ? tr("A transfer is still running. Quit and cancel it?")
                                     : tr("%1 transfers are still running. Quit and cancel them?").arg(pending),
                        QMessageBox::NoButton, this);
        box.setInformativeText(tr("Unfinished uploads are aborted on the server, so no parts are left billed. Paused "
                                  "uploads are kept and offered again at the next start."));
        QPushButton *keep = box.addButton(tr("&Keep Running"), QMessageBox::RejectRole);
        box.addButton(tr("&Quit and Cancel"), QMessageBox::DestructiveRole);
        box.setDefaultButton(keep);
        box.exec();
        if (box.clickedButton() == keep) {
            event->ignore();
            return;
        }
    }
    // Paused uploads stay on the server and in the journal: they are offered again at the next start.
    m_session->transfers().cancelPending();
    if (m_session->pendingCleanups() == 0) {
        saveLayout();
        event->accept();
        return;
    }
    // Aborts of multipart uploads are on their way: wait for them (bounded), saying so, then close.
    event->ignore();
    m_closing = true;
    setEnabled(false);
    statusBar()->showMessage(tr("Aborting %n unfinished upload(s) on the server before quitting…", nullptr, m_session->pendingCleanups()));
    m_session->waitForCleanups(15000, this, [this](int left) {
        if (left > 0)
            qWarning("%s", qPrintable(tr("%n multipart upload(s) could not be aborted before quitting", nullptr, left)));
        close();
    });
}

void MainWindow::offerInterruptedUploads(bool profileOpened)
{
    // The journal's uploads to this server that ran as the active identity (those without a known caller
    // when the profile opens), each offered once per run; the rest stay under File › Unfinished Uploads….
    if (!m_session->hasIdentity())
        return;
    const QString endpoint = Transfers::journalEndpointName(m_session->endpoint());
    const QString caller = m_session->identity().arn;
    QList<Transfers::UploadRecord> records;
    for (const Transfers::UploadRecord &record : m_session->journaledUploads()) {
        const bool ranAsThis = record.caller.isEmpty() ? profileOpened : Transfers::sameCaller(record.caller, caller);
        if (ranAsThis && record.endpoint == endpoint && !m_offeredUploads.contains(record.id) && !isRunning(record))
            records.append(record);
    }
    if (records.isEmpty())
        return;
    for (const Transfers::UploadRecord &record : std::as_const(records))
        m_offeredUploads.insert(record.id);
    UnfinishedUploadsDialog::interrupted(m_session, records, this)->open();
}

bool MainWindow::isRunning(const Transfers::UploadRecord &record) const
{
    for (const Transfers::Transfer *transfer : m_session->transfers().transfers()) {
        const auto *upload = qobject_cast<const Transfers::UploadTransfer *>(transfer);
        if (upload && upload->record().uploadId == record.uploadId && !transfer->isFinished())
            return true;
    }
    return false;
}

void MainWindow::openUnfinishedUploads()
{
    if (!m_session->hasIdentity())
        return showError(AwsError::validation(tr("Open a profile first: unfinished uploads are listed per bucket")));
    if (m_browser->currentBucket().isEmpty())
        return showError(AwsError::validation(tr("Open a bucket first: unfinished uploads are listed per bucket")));
    UnfinishedUploadsDialog::forBucket(m_session, m_browser->currentBucket(), this)->open();
}

void MainWindow::showIdentity(const Auth::Identity &identity)
{
    const Http::EndpointConfig endpoint = m_session->endpoint();
    m_regionLabel->setText(tr("Region: %1").arg(endpoint.region));
    m_endpointLabel->setText(endpoint.customEndpoint.isValid() ? tr("Endpoint: %1").arg(endpoint.customEndpoint.toString()) : tr("AWS"));
    // Plain http to another machine is done as asked, but never silently: the endpoint shows it in red.
    const QString plainHttp = Http::plainHttpWarning(endpoint);
    m_endpointLabel->setToolTip(plainHttp);
    m_endpointLabel->setStyleSheet(plainHttp.isEmpty() ? QString() : QStringLiteral("QLabel { color: #B0271A; font-weight: bold; }"));
    if (!plainHttp.isEmpty())
        m_endpointLabel->setText(tr("Not encrypted (http): %1").arg(endpoint.customEndpoint.toString()));
    setWindowTitle(identity.kind == Auth::Identity::Kind::None ? tr("RoleDrop") : tr("%1 — RoleDrop").arg(identity.displayName));
    m_errorLabel->clear();
}

void MainWindow::showError(const AwsError &error)
{
    m_errorLabel->setText(error.userMessage());
    m_errorLabel->setToolTip(error.userMessage());
}

void MainWindow::clearStaleErrors()
{
    m_errorLabel->setObjectName(QStringLiteral("statusError"));
    // A listing the user asked for worked: the last error is about an earlier attempt. Background successes
    // (a refresh after an upload) leave it, so an error is never gone before the user could read it. An
    // identity change clears it in showIdentity().
    connect(m_browser, &BucketBrowser::listingSucceeded, this, [this] {
        m_errorLabel->clear();
        m_errorLabel->setToolTip(QString());
    });
}

void MainWindow::openSwitchRoleDialog()
{
    if (!m_session->hasIdentity()) {
        showError(AwsError::validation(tr("Open a profile first (double-click it on the left), then switch role from it.")));
        return;
    }
    auto *dialog = new SwitchRoleDialog(m_session, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

// --- Getting files in and out: the File menu's transfer actions, the main toolbar, the shortcuts list

void MainWindow::addFileActions(QMenu *file)
{
    const auto add = [this, file](const char *name, const QString &icon, const QString &text, auto slot, QStyle::StandardPixmap fallback) {
        // The desktop theme's icon, else the style's own: a toolbar button is never just text.
        QAction *action = file->addAction(QIcon::fromTheme(icon, style()->standardIcon(fallback)), text, m_browser, slot);
        action->setObjectName(QLatin1String(name));
        return action;
    };
    // Ctrl+U is no QKeySequence::StandardKey; Ctrl+Shift+N is the browser's New Folder (Dolphin, Nautilus).
    m_uploadAction = add("uploadAction", QStringLiteral("document-send"), tr("&Upload…"), &BucketBrowser::uploadFiles, QStyle::SP_ArrowUp);
    m_uploadAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_U));
    m_uploadFolderAction = add("uploadFolderAction", QStringLiteral("folder-open"), tr("Upload &Folder…"), &BucketBrowser::uploadFolder, QStyle::SP_DirOpenIcon);
    m_downloadAction = add("downloadAction", QStringLiteral("document-save"), tr("&Download…"), &BucketBrowser::downloadSelectedTo, QStyle::SP_ArrowDown);
    m_newFolderAction = add("newFolderAction", QStringLiteral("folder-new"), tr("&New Folder…"), &BucketBrowser::newFolder, QStyle::SP_FileDialogNewFolder);
    m_newFolderAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    file->addSeparator();
    file->setToolTipsVisible(true);  // a greyed-out Upload… says why there too
    connect(m_browser, &BucketBrowser::locationChanged, this, &MainWindow::updateFileActions);
    updateFileActions();
}

void MainWindow::updateFileActions()
{
    const QString where = m_browser->currentUri();
    const bool open = !where.isEmpty();
    const QString closed = tr("Open a bucket first (double-click it in the list)");
    for (QAction *action : {m_uploadAction, m_uploadFolderAction, m_downloadAction, m_newFolderAction})
        action->setEnabled(open);
    m_uploadAction->setToolTip(open ? tr("Upload files into %1").arg(where) : closed + tr(": uploads go into the folder shown"));
    m_uploadFolderAction->setToolTip(open ? tr("Upload a folder and everything in it into %1").arg(where)
                                          : closed + tr(": uploads go into the folder shown"));
    m_downloadAction->setToolTip(open ? tr("Download the selected files and folders to a local folder")
                                      : closed + tr(", then select what to download"));
    m_newFolderAction->setToolTip(open ? tr("Create a folder in %1").arg(where) : closed + tr(": folders are made inside a bucket"));
}

void MainWindow::buildToolBar()
{
    QToolBar *bar = addToolBar(tr("Main Toolbar"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setAccessibleName(tr("Main toolbar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setIconSize(QSize(16, 16));
    // The menus' own actions: one owner per shortcut, and one enabled state for menu and button.
    bar->addAction(m_uploadAction);
    bar->addAction(m_downloadAction);
    bar->addAction(m_newFolderAction);
    bar->addSeparator();
    if (QAction *refresh = findChild<QAction *>(QStringLiteral("refreshAction")))
        bar->addAction(refresh);
    // Switch Role… is not repeated here: the identity bar right below offers it next to the role it replaces.
    // Each button by name, for tests and screen readers.
    for (QAction *action : bar->actions()) {
        if (auto *button = bar->widgetForAction(action)) {
            button->setObjectName(action->objectName() + QStringLiteral("Button"));
            button->setAccessibleName(QString(action->text()).remove(QLatin1Char('&')));
        }
    }
}

void MainWindow::addShortcutsHelp(QMenu *help)
{
    QAction *shortcuts = help->addAction(QIcon::fromTheme(QStringLiteral("preferences-desktop-keyboard")), tr("&Keyboard Shortcuts"),
                                         this, &MainWindow::openShortcutsDialog);
    shortcuts->setObjectName(QStringLiteral("keyboardShortcutsAction"));
    shortcuts->setShortcut(QKeySequence(Qt::Key_F1));
    help->addSeparator();
}

void MainWindow::openShortcutsDialog()
{
    auto *dialog = new KeyboardShortcutsDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace RoleDrop::Ui
