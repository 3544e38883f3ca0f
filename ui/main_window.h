#pragma once

#include <QMainWindow>
#include <QSet>

#include <functional>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QSettings;
class QSplitter;
class QUrl;

namespace RoleDrop {
struct AwsError;
}
namespace RoleDrop::Auth {
struct Identity;
}
namespace RoleDrop::Transfers {
struct UploadRecord;
}

namespace RoleDrop::Sessions {
class Session;
}

namespace RoleDrop::Ui {

class BucketBrowser;
class IdentityBar;
class IdentityCenterSignIn;
class ProfileList;
class TransferController;
class TransferQueueView;

// The window: identity bar on top, profiles on the left, the bucket browser in the centre, the transfer
// queue docked at the bottom, region/endpoint/last error in the status bar. It wires the parts together
// and keeps its geometry, splitter sizes and the last profile opened (never a secret) in `settings`.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    MainWindow(Sessions::Session *session, QSettings &settings, QWidget *parent = nullptr);
    ~MainWindow() override;

    BucketBrowser *browser() const { return m_browser; }
    ProfileList *profileList() const { return m_profiles; }
    TransferController *transferController() const { return m_transfers; }
    IdentityCenterSignIn *identityCenterSignIn() const { return m_identityCenter; }

    // What opens sign-in pages in the user's browser (false: none could, then a device code is shown);
    // default QDesktopServices::openUrl. The app passes App::openInBrowser (BROWSER honoured as the AWS CLI does).
    void setBrowserOpener(std::function<bool(const QUrl &)> opener);

    // Opens the profile used last time, if it still exists.
    void restoreLastProfile();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void addFileActions(QMenu *file);
    void updateFileActions();
    void buildToolBar();
    void addShortcutsHelp(QMenu *help);
    void openShortcutsDialog();
    void restoreLayout();
    void saveLayout();
    void showIdentity(const RoleDrop::Auth::Identity &identity);
    void showError(const RoleDrop::AwsError &error);
    void clearStaleErrors();
    void openSwitchRoleDialog();
    void openUnfinishedUploads();
    void offerInterruptedUploads(bool profileOpened);
    bool isRunning(const Transfers::UploadRecord &record) const;

    Sessions::Session *m_session;
    QSettings &m_settings;
    IdentityBar *m_identityBar = nullptr;
    ProfileList *m_profiles = nullptr;
    BucketBrowser *m_browser = nullptr;
    TransferController *m_transfers = nullptr;
    IdentityCenterSignIn *m_identityCenter = nullptr;
    TransferQueueView *m_queueView = nullptr;
    QDockWidget *m_queueDock = nullptr;
    QSplitter *m_splitter = nullptr;
    QLabel *m_regionLabel = nullptr;
    QLabel *m_endpointLabel = nullptr;
    QLabel *m_errorLabel = nullptr;
    QAction *m_uploadAction = nullptr;
    QAction *m_uploadFolderAction = nullptr;
    QAction *m_downloadAction = nullptr;
    QAction *m_newFolderAction = nullptr;
    QSet<QString> m_offeredUploads;  // journal ids offered this run
    bool m_closing = false;          // quitting, once pending aborts are done
};

} // namespace RoleDrop::Ui
