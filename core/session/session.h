#pragma once

#include "core/auth/credential_provider.h"
#include "core/auth/identity.h"
#include "core/auth/keychain_store.h"
#include "core/auth/profile_store.h"
#include "core/auth/role_history.h"
#include "core/common/async_result.h"
#include "core/http/aws_http_client.h"
#include "core/http/endpoint_config.h"
#include "core/s3/s3_client.h"
#include "core/session/identity_center.h"
#include "core/session/presigned_url.h"
#include "core/session/profile_manager.h"
#include "core/session/recent_places.h"
#include "core/session/web_identity.h"
#include "core/transfer/download_plan.h"
#include "core/transfer/download_transfer.h"
#include "core/transfer/existing_objects.h"
#include "core/transfer/transfer_queue.h"
#include "core/transfer/upload_journal.h"
#include "core/transfer/upload_plan.h"
#include "core/transfer/upload_transfer.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

class QSettings;

namespace RoleDrop::Sessions {

// What a command line or a test asks for on top of a profile's own settings.
struct ProfileOverrides
{
    QString region;
    QString endpointUrl;
    bool pathStyle = false;
    QString caBundle;   // --ca-bundle: a PEM file of CAs to trust besides the system's
    // An Identity Center profile's account and role to open as, instead of the profile's own.
    QString accountId;
    QString roleName;
};

struct OpenedProfile
{
    Auth::Identity identity;   // the active identity once the profile's own role chain (~/.aws) is assumed
    QString source;            // "keychain", "~/.aws" or "environment"
    QString notice;            // e.g. a role session's duration capped by chaining
};

// GetCallerIdentity's answer, or what RoleDrop knows where the server lacks it (Ceph RGW).
struct WhoAmI
{
    QString arn;
    QString account;
    QString userId;
    QString accessKeyId;
    bool fromServer = true;
    QString note;              // why the answer is RoleDrop's own, when it is
};

// An upload looked over before anything is sent: the keys the files get, and which of them exist already.
struct UploadCheck
{
    Transfers::UploadPlan plan;
    QHash<QString, Transfers::RemoteFacts> existing;
    QStringList problems;      // local paths that could not be read
    QStringList skippedLinks;  // symbolic links inside folders, not followed
};

// Which identity a failed transfer runs as when it is tried again.
enum class RetryAs { QueuedIdentity, CurrentIdentity };

// A multipart upload the server holds unfinished, and what RoleDrop knows of it.
struct UnfinishedUpload
{
    S3::MultipartUploadInfo upload;
    qint64 bytesOnServer = -1;                      // the sum of its parts' sizes (-1: not asked)
    std::optional<Transfers::UploadRecord> record;  // RoleDrop's journal of it, when it started it here
};

// The one composition root of core/, which the window and the command line both stand on: a rule written
// here serves both. It owns the HTTP client, the stores (settings, keychain, role history), the active
// identity and the transfer queue, and offers operations rather than its parts: open a profile, switch
// role, back to the base identity, who am I, plan and queue transfers, delete, presign. Transfers are bound
// to the identity and endpoint active when they are queued and keep them to the end.
// Operations follow the async contract of core/common/async_result.h.
class Session final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Session)
public:
    // `settings` holds profiles and role history (never a secret); `keychainService` names the keychain
    // entries (tests and the demo use their own) and the data folder kept for it (the journal of unfinished
    // uploads), under the user's data location unless `dataFolder` names another.
    explicit Session(QSettings &settings, const QString &keychainService = QStringLiteral("RoleDrop"),
                     QObject *parent = nullptr, const QString &dataFolder = QString());
    ~Session() override;

    ProfileManager &profiles() { return *m_profileManager; }

    // --- the identity requests are made as
    // Looks the profile up (RoleDrop's store, then ~/.aws; an empty name: the environment, then ~/.aws's
    // default), makes it the base identity and assumes its ~/.aws role chain. Its endpoint's TLS trust is the
    // system's CAs plus every CA file named: --ca-bundle (overrides.caBundle), AWS_CA_BUNDLE and the profile's
    // (RoleDrop's CA file setting, ~/.aws's ca_bundle); a file that cannot be read or holds no certificate fails
    // the open, naming the file. `askMfaCode` answers a chain
    // step that needs a code (the command line reads it from the terminal).
    void openProfile(const QString &name, QObject *context, ResultHandler<OpenedProfile> done,
                     const ProfileOverrides &overrides = {},
                     std::function<QString(const QString &mfaSerial)> askMfaCode = {});
    QString activeProfile() const { return m_activeProfile; }
    QString activeProfileSource() const { return m_activeSource; }
    bool hasIdentity() const { return m_credentials.activeSession() != nullptr; }
    const Auth::Identity &identity() const { return m_credentials.active(); }
    // What switches start from and Back returns to: the profile's keys, or the end of its ~/.aws role chain.
    const Auth::Identity &baseIdentity() const { return m_credentials.base(); }
    // The active identity and what it was made from, the base first.
    QList<Auth::Identity> identityChain() const { return m_credentials.activeChain(); }
    bool inRole() const { return m_credentials.hasRole(); }
    Http::EndpointConfig endpoint() const { return m_endpoint; }
    // The active identity's credentials, for `roledrop assume` (which prints them for a shell).
    AwsCredentials activeCredentials() const { return m_credentials.activeCredentials(); }

    // Switches role and, for a RoleDrop profile, records the role among its recent roles. Like the console, the
    // window and the command line switch from the base identity (Auth::SwitchFrom::BaseIdentity: the profile's
    // own keys, or the end of its ~/.aws role chain) whatever role is active; CurrentIdentity chains from the
    // active role, which AWS caps at one hour. A refused duration comes back with advice (AwsError::advice).
    Http::AwsCall *switchRole(const Sts::AssumeRoleRequest &request, const QString &displayName, const QString &color,
                              Auth::SwitchFrom from, QObject *context, ResultHandler<Auth::Identity> done);
    void backToBase();
    Http::AwsCall *whoAmI(QObject *context, ResultHandler<WhoAmI> done);

    // Who is asked for a proxy's user name and password when the proxy answers 407 (the window's dialog);
    // answers are remembered for the process only. Without one, such a request fails saying where to put them.
    void setProxyLoginPrompt(Http::ProxyLoginPrompt prompt);

    // Role sessions renew themselves this long before they expire (default 5 minutes).
    void setRenewalMargin(int seconds) { m_credentials.setRefreshMargin(seconds); }
    void renewNow() { m_credentials.refreshNow(); }
    QDateTime renewalDueAt() const { return m_credentials.refreshDueAt(); }
    // The answer to mfaCodeNeeded().
    void provideMfaCode(const QString &code) { m_credentials.provideMfaCode(code); }
    void declineMfaCode() { m_credentials.declineMfaCode(); }

    // --- federated sign-in: IAM Identity Center (identity_center.h)
    // Who shows a sign-in: the window's browser and dialog, the command line's xdg-open and stderr.
    void setSignInPrompt(Auth::SsoSignInPrompt prompt)
    {
        m_webIdentity.setOpenBrowser(prompt.openBrowser);
        m_identityCenter.setPrompt(std::move(prompt));
    }
    // The command line's --device-code / --browser, over every profile's setting.
    void setSignInMethod(std::optional<Auth::SsoSignInMethod> method) { m_identityCenter.setMethodOverride(method); }
    // Whether `profile` (RoleDrop's or ~/.aws's) signs in to Identity Center.
    bool isIdentityCenterProfile(const QString &profile) const;
    // Whether the open profile is one: then accounts() and switchToAccountRole() apply to it.
    bool inIdentityCenter() const { return m_activeIdentityCenter.has_value(); }
    // Whether `profile` (RoleDrop's; an empty name: the open one) signs in to an OpenID provider: login / logout
    // (signIn, signOut) apply to it as to Identity Center profiles.
    bool isWebIdentityProfile(const QString &profile) const;
    // Signs in to the profile's Identity Center or OpenID provider (a stored or refreshed token serves when it can).
    void signIn(const QString &profile, QObject *context, ResultHandler<Done> done, const ProfileOverrides &overrides = {});
    // Stops a sign-in to the profile's Identity Center under way (the user cancelled it): its callers get Cancelled.
    void cancelSignIn(const QString &profile, const ProfileOverrides &overrides = {});
    // Ends the profile's sign-in: the token leaves the keychain (Identity Center's portal is told).
    void signOut(const QString &profile, QObject *context, ResultHandler<Done> done, const ProfileOverrides &overrides = {});
    // The accounts and roles the profile's sign-in may use (an empty name: the open profile's), kept for the run
    // unless `refresh`.
    void identityCenterAccounts(const QString &profile, bool refresh, QObject *context, ResultHandler<QList<Auth::SsoAccount>> done,
                                const ProfileOverrides &overrides = {});
    // Switches to another account's role of the open profile's sign-in (GetRoleCredentials): not a chain, so Back
    // returns to the profile's own account and role. An empty `displayName`: "ROLE @ ACCOUNT NAME".
    void switchToAccountRole(const QString &accountId, const QString &accountName, const QString &roleName,
                             const QString &color, QObject *context, ResultHandler<Auth::Identity> done,
                             const QString &displayName = QString());

    // --- remembered roles
    QList<Auth::RoleHistoryEntry> recentRoles(const QString &profile) const { return m_roleHistory.recent(profile); }
    QList<Auth::RoleHistoryEntry> searchSavedRoles(const QString &text) const { return m_roleHistory.search(text); }
    Outcome<Auth::RoleHistoryEntry> saveRole(const Auth::RoleHistoryEntry &entry);

    // --- places, per identity (recent_places.h): where the active identity was last and could list
    void rememberPlace(const QString &bucket, const QString &prefix);
    // Who places are remembered for: the same text while the identity is the same one (renewals, who-am-I).
    QString placesKey() const;
    std::optional<Place> lastPlace() const { return m_places.lastPlace(placesKey()); }
    QStringList recentBuckets() const { return m_places.recentBuckets(placesKey()); }

    // --- S3, as the active identity
    // The S3 operations of the active identity at the active endpoint (null before a profile is open).
    std::shared_ptr<const S3::S3Client> s3() const { return m_s3; }
    Outcome<PresignedUrl> presign(const QByteArray &method, const QString &bucket, const QString &key,
                                  qint64 expiresSeconds) const;
    // Deletes the objects and everything under the folder prefixes (their marker objects included).
    Http::AwsCall *deleteEntries(const QString &bucket, const QStringList &keys, const QStringList &folderPrefixes,
                                 QObject *context, ResultHandler<S3::DeleteObjectsResult> done);
    // The two halves of deleteEntries(), for a window that says how many objects go before they go and shows
    // the deletion's progress. What would be deleted: `keys` and every object under the folder prefixes (their
    // markers included), with the number found so far after each page of the listing.
    Http::AwsCall *listForDeletion(const QString &bucket, const QStringList &keys, const QStringList &folderPrefixes,
                                   QObject *context, std::function<void(int keysFound)> onProgress,
                                   ResultHandler<QStringList> done);
    // Deletes exactly `keys`, `batchSize` a request (S3 takes at most 1,000), `onProgress` after each batch. A
    // cancel stops between batches: the batch on its way finishes, and the result (not a Cancelled error) lists
    // what was deleted, so the user can be told.
    Http::AwsCall *deleteKeys(const QString &bucket, const QStringList &keys, int batchSize, QObject *context,
                              std::function<void(int deleted, int total)> onProgress,
                              ResultHandler<S3::DeleteObjectsResult> done);

    // --- transfers
    Transfers::TransferQueue &transfers() { return m_transfers; }
    // Walks the local paths (off the calling thread), plans their keys under `prefix` and finds which exist.
    // `onScanned` hears the number of files found so far while the walk goes on (a few times a second); a cancel
    // stops the walk.
    Http::AwsCall *checkUpload(const QStringList &localPaths, const QString &bucket, const QString &prefix,
                               QObject *context, ResultHandler<UploadCheck> done,
                               std::function<void(int filesFound)> onScanned = {});
    QList<Transfers::Transfer *> enqueueUploads(const QString &bucket, const Transfers::UploadPlan &plan,
                                                const Transfers::UploadOptions &options = {});
    // Expands the folders to their keys and plans where each goes under `folder`.
    Http::AwsCall *planDownload(const QString &bucket, const QStringList &keys, const QStringList &folderPrefixes,
                                const QString &stripPrefix, const QString &folder, QObject *context,
                                ResultHandler<Transfers::DownloadPlan> done);
    QList<Transfers::Transfer *> enqueueDownloads(const QString &bucket, const Transfers::DownloadPlan &plan,
                                                  const Transfers::DownloadOptions &options = {});
    // A failed, cancelled or paused transfer, again: as the identity it was queued under, or as the active one.
    bool retry(Transfers::Transfer *transfer, RetryAs as);
    void retryFailed(RetryAs as);

    // --- unfinished uploads (a crash, a kill, a pause left them)
    // The journal's uploads: enqueueUploads() resumes one when the same file goes to the same place again.
    QList<Transfers::UploadRecord> journaledUploads() const { return m_journal.records(); }
    // Resumes journaled uploads as the active identity, at the active endpoint (those of another endpoint are
    // left for when it is open again).
    QList<Transfers::Transfer *> resumeUploads(const QList<Transfers::UploadRecord> &records);
    // What the server holds unfinished under `prefix`, with the journal's knowledge and each upload's size.
    Http::AwsCall *listUnfinishedUploads(const QString &bucket, const QString &prefix, QObject *context,
                                         ResultHandler<QList<UnfinishedUpload>> done);
    // Aborts one (its parts are freed on the server) and forgets its journal.
    Http::AwsCall *abortUnfinishedUpload(const QString &bucket, const QString &key, const QString &uploadId,
                                         QObject *context, ResultHandler<Done> done);

    // Aborts of multipart uploads still on their way (after a cancel or a failure): a process about to end
    // waits for them (bounded), so that no parts are left billed on the server.
    int pendingCleanups() const;
    void waitForCleanups(int timeoutMs, QObject *context, std::function<void(int left)> done);

signals:
    void profileOpened(const QString &profileName);
    void profileFailed(const QString &profileName, const RoleDrop::AwsError &error);
    // The identity requests are made as changed (profile opened, role switched, back to base).
    void identityChanged(const RoleDrop::Auth::Identity &identity);
    // The active identity was renewed before it expired.
    void identityRenewed(const RoleDrop::Auth::Identity &identity);
    void errorOccurred(const RoleDrop::AwsError &error);
    // A profile's recent or saved roles changed (a switch was recorded, a role saved).
    void rolesRemembered(const QString &profileName);
    // A role session (the active one, or one a transfer still runs as) needs an MFA code to renew.
    void mfaCodeNeeded(const QString &mfaSerial, const QString &roleArn);

private:
    void onIdentityChanged();
    void adopt(Transfers::Transfer *transfer);
    static Outcome<Http::EndpointConfig> endpointFor(const Auth::ResolvedProfile &resolved, const ProfileOverrides &overrides);
    // A federated profile resolved for signing in or out: what it signs in to, and the CAs its endpoints may chain to.
    struct SignInTarget
    {
        Auth::ResolvedProfile resolved;
        Http::TlsTrust trust;
    };
    // The profile (an empty name: the open one) resolved, and its endpoint's trust with the overrides.
    void signInTargetOf(const QString &profile, const ProfileOverrides &overrides, ResultHandler<SignInTarget> done);
    // The same, failing for a profile that does not sign in to Identity Center.
    void identityCenterOf(const QString &profile, const ProfileOverrides &overrides, QObject *context,
                          ResultHandler<std::pair<Auth::IdentityCenterSource, Http::TlsTrust>> done);
    // Signing in or out of a profile that signs in with keys (or a token file): what to give instead.
    static AwsError notFederated(const QString &profile);
    void assumeSteps(QList<Sts::AssumeRoleRequest> steps, std::function<QString(const QString &)> askMfaCode,
                     OpenedProfile opened, quint64 generation, ResultHandler<OpenedProfile> done);

    QSettings &m_settings;
    Auth::ProfileStore m_profileStore;
    Auth::KeychainStore m_keychain;
    Auth::RoleHistory m_roleHistory;
    RecentPlaces m_places;
    std::unique_ptr<ProfileManager> m_profileManager;
    Http::AwsHttpClient m_http;
    Auth::CredentialProvider m_credentials;
    IdentityCenter m_identityCenter;
    WebIdentity m_webIdentity;
    std::optional<Auth::IdentityCenterSource> m_activeIdentityCenter;   // of the open profile
    Transfers::UploadJournal m_journal;
    Transfers::TransferQueue m_transfers;
    QList<QPointer<Http::AwsCall>> m_cleanups;
    Http::EndpointConfig m_endpoint;
    std::shared_ptr<S3::BucketRegions> m_regions;
    S3::ChecksumSettings m_checksums;
    std::shared_ptr<const S3::S3Client> m_s3;
    QString m_activeProfile;
    QString m_activeSource;
    quint64 m_openGeneration = 0;
};

} // namespace RoleDrop::Sessions
