#include "app/cli_runner.h"

#include "app/await_result.h"
#include "app/browser_launcher.h"
#include "app/demo_sandbox.h"
#include "app/termination_signals.h"
#include "app/terminal_progress.h"
#include "core/auth/environment_credentials.h"
#include "core/common/human_size.h"
#include "core/s3/object_listing.h"
#include "core/s3/s3_uri.h"
#include "core/session/session.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QScopeGuard>
#include <QTextStream>
#include <QTimer>

#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace RoleDrop::Cli {

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

QString isoUtc(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODate);
}

// An object key as a terminal may show it: control characters (an escape sequence in a key could rewrite the
// screen) are printed as \xHH, a backslash as \\.
QString printable(const QString &text)
{
    QString shown;
    shown.reserve(text.size());
    for (const QChar c : text) {
        if (c == QLatin1Char('\\'))
            shown += QStringLiteral("\\\\");
        else if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            shown += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            shown += c;
    }
    return shown;
}

// Reads one line from stdin without echoing it when stdin is a terminal (secrets are never shown).
QString readSecretLine(const QString &prompt)
{
    const bool tty = isatty(STDIN_FILENO);
    termios saved{};
    if (tty) {
        std::fputs(prompt.toLocal8Bit().constData(), stderr);
        std::fflush(stderr);
        tcgetattr(STDIN_FILENO, &saved);
        termios silent = saved;
        silent.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &silent);
    }
    QTextStream in(stdin);
    const QString line = in.readLine().trimmed();
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::fputs("\n", stderr);
    }
    return line;
}

} // namespace

Runner::Runner(Options options)
    : m_options(std::move(options)),
      m_settings(m_options.demo ? std::make_unique<QSettings>(QCoreApplication::organizationName(),
                                                               QLatin1String(App::DemoSandbox::settingsScope))
                                : std::make_unique<QSettings>()),
      m_session(std::make_unique<Sessions::Session>(*m_settings, m_options.demo ? QLatin1String(App::DemoSandbox::keychainService)
                                                                                : QStringLiteral("RoleDrop")))
{
    // Sign-in goes through the browser (BROWSER, else xdg-open), and a device code is shown on stderr: never on
    // stdout, which scripts read.
    Auth::SsoSignInPrompt prompt;
    prompt.openBrowser = [](const QUrl &url) {
        const bool opened = App::openInBrowser(url);
        if (opened)
            err() << "roledrop: signing in: your browser opened " << url.toString(QUrl::RemoveQuery) << " (waiting for it)\n";
        err().flush();
        return opened;
    };
    prompt.showDeviceCode = [](const Auth::SsoDeviceCode &code) {
        err() << "roledrop: to sign in, open " << code.verificationUri.toString() << " on any device and confirm the code "
              << code.userCode << " (it expires at " << code.expiresAt.toLocalTime().toString(QStringLiteral("HH:mm:ss")) << ")\n";
        err().flush();
    };
    m_session->setSignInPrompt(prompt);
    if (m_options.deviceCode)
        m_session->setSignInMethod(Auth::SsoSignInMethod::DeviceCode);
    else if (m_options.browser)
        m_session->setSignInMethod(Auth::SsoSignInMethod::Browser);
}

Runner::~Runner() = default;

Sessions::ProfileOverrides Runner::overrides() const
{
    Sessions::ProfileOverrides overrides;
    overrides.region = m_options.region;
    overrides.endpointUrl = m_options.endpointUrl;
    overrides.pathStyle = m_options.pathStyle;
    overrides.caBundle = m_options.caBundle;
    overrides.accountId = m_options.accountId;
    overrides.roleName = m_options.roleName;
    return overrides;
}

int Runner::fail(const AwsError &error)
{
    err() << "roledrop: " << error.userMessage() << "\n";
    err().flush();
    return 1;
}

int Runner::usage(const QString &message)
{
    err() << "roledrop: " << message << " (see roledrop --help)\n";
    err().flush();
    return 2;
}

int Runner::run()
{
    // Ctrl-C (or a kill) stops the transfers and waits, bounded, for their multipart uploads to be aborted:
    // nothing is left billed on the server. A second Ctrl-C ends at once.
    App::handleTerminationSignals([this](int signal) {
        if (m_interruptedBy == 0)
            err() << "\nroledrop: stopping: cancelling the transfers and aborting their unfinished uploads (Ctrl-C again to quit at once)\n";
        err().flush();
        m_interruptedBy = signal;
        m_session->transfers().cancelAll();
    });
    const QString &command = m_options.command;
    if (command == QLatin1String("profiles"))
        return profiles();
    if (command == QLatin1String("profile-add"))
        return profileAdd();
    if (command == QLatin1String("profile-remove"))
        return profileRemove();
    if (command == QLatin1String("login"))
        return login();
    if (command == QLatin1String("logout"))
        return logout();
    if (command == QLatin1String("accounts"))
        return accounts();
    if (const auto error = establishIdentity())
        return fail(*error);
    if (!m_notice.isEmpty())
        err() << "roledrop: note: " << m_notice << "\n";
    if (command == QLatin1String("whoami"))
        return whoami();
    if (command == QLatin1String("assume"))
        return assume();
    if (command == QLatin1String("ls"))
        return list();
    if (command == QLatin1String("upload"))
        return upload();
    if (command == QLatin1String("download"))
        return download();
    if (command == QLatin1String("presign"))
        return presign();
    if (command == QLatin1String("uploads"))
        return uploads();
    return usage(QStringLiteral("unknown command '%1'").arg(command));
}

std::optional<AwsError> Runner::establishIdentity()
{
    const QString profileName = m_options.profile.isEmpty() ? Auth::profileNameFromEnvironment() : m_options.profile;
    const Sessions::ProfileOverrides overrides = this->overrides();
    const QString mfaCode = m_options.mfaCode;
    // A step of a ~/.aws role chain that needs MFA takes --mfa-code, or asks on the terminal.
    const auto askMfaCode = [mfaCode](const QString &serial) {
        return !mfaCode.isEmpty() ? mfaCode : readSecretLine(QStringLiteral("MFA code for %1: ").arg(serial));
    };
    auto opened = awaitResult<Sessions::OpenedProfile>([&](QObject *context, auto done) {
        m_session->openProfile(profileName, context, done, overrides, askMfaCode);
    });
    if (!opened)
        return opened.error();
    m_notice = opened->notice;
    // Asked for, so done; but said, as plain http to another machine exposes everything sent.
    if (const QString warning = Http::plainHttpWarning(m_session->endpoint()); !warning.isEmpty())
        err() << "roledrop: warning: " << warning << "\n";
    if (!m_options.roleArn.isEmpty()) {
        Sts::AssumeRoleRequest request;
        request.roleArn = m_options.roleArn;
        request.roleSessionName = m_options.sessionName.isEmpty()
            ? Sts::defaultSessionName(QStringLiteral("roledrop-") + m_session->activeProfile())
            : m_options.sessionName;
        request.externalId = m_options.externalId;
        request.serialNumber = m_options.mfaSerial;
        request.policy = m_options.policy;
        request.durationSeconds = m_options.durationSeconds > 0 ? m_options.durationSeconds : 3600;
        if (!request.serialNumber.isEmpty())
            request.tokenCode = askMfaCode(request.serialNumber);
        // A run starts from the profile every time, so from its base identity (its keys, or the end of its ~/.aws
        // role chain): the console's rule and the window's default. Chaining from that chain's end caps at 1 hour.
        auto identity = awaitResult<Auth::Identity>([&](QObject *context, auto done) {
            m_session->switchRole(request, QString(), QString(), Auth::SwitchFrom::BaseIdentity, context, done);
        });
        if (!identity)
            return identity.error();
        if (!identity->notice.isEmpty())
            m_notice = identity->notice;
    } else if (m_options.durationSeconds > 0 && !m_session->inRole()) {
        err() << "roledrop: note: --duration applies to a role session; this profile has no role (use --role)\n";
    }
    return std::nullopt;
}

int Runner::whoami()
{
    auto caller = awaitResult<Sessions::WhoAmI>([&](QObject *context, auto done) { m_session->whoAmI(context, done); });
    if (!caller)
        return fail(caller.error());
    QJsonObject json;
    if (caller->fromServer) {
        json = {{QStringLiteral("UserId"), caller->userId}, {QStringLiteral("Account"), caller->account},
                {QStringLiteral("Arn"), caller->arn}};
    } else {
        const Auth::Identity &identity = m_session->identity();
        json = {{QStringLiteral("Arn"), caller->arn}, {QStringLiteral("AccessKeyId"), caller->accessKeyId},
                {QStringLiteral("Profile"), identity.profileName}, {QStringLiteral("Note"), caller->note}};
    }
    if (m_session->identity().isTemporary())
        json.insert(QStringLiteral("Expiration"), isoUtc(m_session->identity().expiration));
    out() << QJsonDocument(json).toJson(QJsonDocument::Indented);
    return 0;
}

int Runner::assume()
{
    if (!m_session->inRole())
        return usage(QStringLiteral("assume needs --role ARN (or a profile with role_arn)"));
    const AwsCredentials creds = m_session->activeCredentials();
    const Auth::Identity &identity = m_session->identity();
    if (m_options.exportFormat) {
        // Single quotes: none of these values can contain one (key ids, base64 tokens, ISO dates).
        out() << "export AWS_ACCESS_KEY_ID='" << creds.accessKeyId << "'\n"
              << "export AWS_SECRET_ACCESS_KEY='" << creds.secretAccessKey << "'\n"
              << "export AWS_SESSION_TOKEN='" << creds.sessionToken << "'\n"
              << "export AWS_CREDENTIAL_EXPIRATION='" << isoUtc(creds.expiration) << "'\n";
        return 0;
    }
    const QJsonObject json{
        {QStringLiteral("Credentials"),
         QJsonObject{{QStringLiteral("AccessKeyId"), creds.accessKeyId},
                     {QStringLiteral("SecretAccessKey"), creds.secretAccessKey},
                     {QStringLiteral("SessionToken"), creds.sessionToken},
                     {QStringLiteral("Expiration"), isoUtc(creds.expiration)}}},
        {QStringLiteral("AssumedRoleUser"),
         QJsonObject{{QStringLiteral("Arn"), identity.arn}, {QStringLiteral("RoleArn"), identity.roleArn}}}};
    out() << QJsonDocument(json).toJson(QJsonDocument::Indented);
    return 0;
}

int Runner::list()
{
    const auto s3 = m_session->s3();
    if (m_options.arguments.isEmpty()) {
        auto buckets = awaitResult<S3::ListBucketsResult>([&](QObject *context, auto done) { s3->listBuckets(context, done); });
        if (!buckets)
            return fail(buckets.error());
        for (const S3::BucketInfo &bucket : buckets->buckets)
            out() << bucket.creationDate.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) << " " << printable(bucket.name) << "\n";
        return 0;
    }
    const auto uri = S3::parseS3Uri(m_options.arguments.first());
    if (!uri)
        return fail(uri.error());
    S3::ListObjectsRequest request;
    request.bucket = uri->bucket;
    request.prefix = uri->key;
    request.delimiter = m_options.recursive ? QString() : QStringLiteral("/");
    const bool recursive = m_options.recursive;
    // Each page is printed as it arrives: a prefix of a million keys starts showing at once.
    auto listed = awaitResult<Done>([&](QObject *context, auto done) {
        S3::listEachPage(s3, request, context, [&](const S3::ListObjectsPage &page) {
            for (const QString &prefix : page.commonPrefixes)
                out() << QString(30, QLatin1Char(' ')) << " PRE " << printable(prefix.mid(request.prefix.size())) << "\n";
            for (const S3::ObjectInfo &object : page.objects) {
                const QString name = recursive ? object.key : object.key.mid(request.prefix.size());
                out() << object.lastModified.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) << " "
                      << QStringLiteral("%1").arg(object.size, 15) << " " << printable(name) << "\n";
            }
        }, done);
    });
    return listed ? 0 : fail(listed.error());
}

int Runner::runQueue()
{
    Transfers::TransferQueue &queue = m_session->transfers();
    TerminalProgress progress(!m_options.quiet);
    QObject guard;  // the connections below end with this function
    if (!m_options.quiet) {  // progress comes every 16 KiB: not even a label is made for it when quiet
        QObject::connect(&queue, &Transfers::TransferQueue::totalProgress, &guard, [&](qint64 done, qint64 total) {
            progress.update(QStringLiteral("%1 files").arg(queue.transfers().size()), done, total);
        });
    }
    int failures = 0;
    QObject::connect(&queue, &Transfers::TransferQueue::transferFinished, &guard, [&](Transfers::Transfer *transfer) {
        if (transfer->state() == Transfers::TransferState::Failed) {
            ++failures;
            progress.finish();
            err() << "roledrop: " << transfer->result().error.userMessage() << "\n";
            err().flush();
        }
    });
    QObject::connect(&queue, &Transfers::TransferQueue::transferFinished, &guard, [&](Transfers::Transfer *transfer) {
        if (transfer->state() == Transfers::TransferState::Paused) {
            ++failures;
            progress.finish();
            err() << "roledrop: paused: " << printable(transfer->result().pauseNote) << ". " << transfer->result().error.userMessage()
                  << " Run the same command again to go on.\n";
            err().flush();
        }
    });
    if (!queue.isIdle()) {
        QEventLoop loop;
        QObject::connect(&queue, &Transfers::TransferQueue::idle, &loop, &QEventLoop::quit);
        loop.exec();
    }
    progress.finish();
    // A failed or interrupted upload's abort is on its way: the process must not end before it arrives.
    awaitCleanups();
    return failures;
}

void Runner::awaitCleanups()
{
    if (m_session->pendingCleanups() == 0)
        return;
    if (m_interruptedBy != 0) {
        err() << "roledrop: "
              << QCoreApplication::translate("Cli", "waiting for %n unfinished upload(s) to be aborted on the server...", nullptr,
                                             m_session->pendingCleanups())
              << "\n";
        err().flush();
    }
    QEventLoop loop;
    int left = 0;
    m_session->waitForCleanups(15000, &loop, [&](int stillPending) {
        left = stillPending;
        loop.quit();
    });
    loop.exec();
    if (left > 0)
        err() << "roledrop: "
              << QCoreApplication::translate("Cli", "%n upload(s) could not be aborted in time; 'roledrop uploads s3://BUCKET/' lists them",
                                             nullptr, left)
              << "\n";
}

int Runner::upload()
{
    if (m_options.arguments.size() < 2)
        return usage(QStringLiteral("upload needs FILE... s3://bucket/prefix/"));
    const auto target = S3::parseS3Uri(m_options.arguments.last());
    if (!target)
        return fail(target.error());
    const QStringList sources = m_options.arguments.mid(0, m_options.arguments.size() - 1);
    for (const QString &source : sources) {
        if (!QFileInfo::exists(source))
            return fail(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot read %1: no such file or folder").arg(source)));
    }
    // The window's planner: a folder keeps its name and inner paths under the prefix, links inside folders
    // are skipped and said so.
    const Transfers::LocalScan scan = Transfers::scanLocalPaths(sources);
    for (const QString &problem : scan.problems)
        err() << "roledrop: cannot read " << problem << "\n";
    for (const QString &link : scan.skippedLinks)
        err() << "roledrop: skipped symbolic link " << link << " (links inside folders are not followed)\n";
    const bool intoPrefix = target->isPrefix() || sources.size() > 1 || QFileInfo(sources.first()).isDir();
    Transfers::UploadPlan plan;
    if (intoPrefix) {
        plan = Transfers::planUpload(scan.files, target->key);
    } else if (!scan.files.isEmpty()) {  // one file to the key named
        plan.items.append({scan.files.first().localPath, target->key, scan.files.first().size});
    }
    Transfers::UploadOptions uploadOptions;
    if (m_options.parallel > 0)
        uploadOptions.maxPartsInFlight = m_options.parallel;
    uploadOptions.noClobber = m_options.noClobber;
    uploadOptions.checksumAlgorithm = checksumAlgorithmFromName(m_options.checksumAlgorithm).value_or(ChecksumAlgorithm::None);
    m_session->transfers().setMaxConcurrent(m_options.parallel > 0 ? m_options.parallel : 8);
    const auto transfers = m_session->enqueueUploads(target->bucket, plan, uploadOptions);
    for (const Transfers::Transfer *transfer : transfers) {
        const auto *upload = qobject_cast<const Transfers::UploadTransfer *>(transfer);
        if (upload && !upload->record().uploadId.isEmpty() && !m_options.quiet)
            err() << "roledrop: going on with the interrupted upload of " << upload->localPath() << " (" << upload->record().parts.size()
                  << " parts, " << humanSize(upload->record().bytesDone(), QLocale::c()) << " sent before)\n";
    }
    const int failures = runQueue() + int(scan.problems.size());
    if (m_interruptedBy != 0)
        return 128 + m_interruptedBy;
    if (failures == 0 && !m_options.quiet) {
        for (const Transfers::Transfer *transfer : m_session->transfers().transfers())
            out() << "upload: " << transfer->localPath() << " to " << printable(transfer->remote().toString()) << "\n";
    }
    return failures == 0 ? 0 : 1;
}

int Runner::download()
{
    if (m_options.arguments.size() != 2)
        return usage(QStringLiteral("download needs s3://bucket/key DIR"));
    const auto source = S3::parseS3Uri(m_options.arguments.first());
    if (!source)
        return fail(source.error());
    const QString folder = m_options.arguments.at(1);
    if (!QDir().mkpath(folder))
        return fail(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot create the folder %1").arg(folder)));

    // The window's planner too: a prefix expands to its keys, each checked to stay inside the folder.
    QStringList keys;
    QStringList folders;
    QString stripPrefix;
    if (source->isPrefix()) {
        folders << source->key;
        stripPrefix = source->key;
    } else {
        keys << source->key;
        stripPrefix = source->key.left(source->key.lastIndexOf(QLatin1Char('/')) + 1);
    }
    auto plan = awaitResult<Transfers::DownloadPlan>([&](QObject *context, auto done) {
        m_session->planDownload(source->bucket, keys, folders, stripPrefix, folder, context, done);
    });
    if (!plan)
        return fail(plan.error());
    for (const auto &[key, refusal] : plan->refused)
        err() << "roledrop: " << printable(refusal.userMessage()) << "\n";
    for (const auto &[key, kept] : plan->collisions)
        err() << "roledrop: not downloaded: s3://" << source->bucket << "/" << printable(key) << " would land on the same local file as s3://"
              << source->bucket << "/" << printable(kept) << "\n";
    // A file that is there already is never replaced without being asked: --overwrite or --skip-existing.
    Transfers::DownloadPlan chosen = plan.value();
    int existing = 0;
    chosen.items.removeIf([&](const Transfers::DownloadItem &item) {
        if (!item.existsLocally)
            return false;
        ++existing;
        if (!m_options.overwrite && !m_options.skipExisting)
            err() << "roledrop: " << item.localPath << " exists already\n";
        return !m_options.overwrite;
    });
    if (existing > 0 && !m_options.overwrite && !m_options.skipExisting)
        return fail(AwsError::local(AwsErrorKind::LocalFile,
                                    QCoreApplication::translate("Cli", "%n file(s) exist already in %1: nothing was downloaded. Use "
                                                                       "--overwrite to replace them or --skip-existing to leave them",
                                                                nullptr, existing)
                                        .arg(folder)));
    m_session->transfers().setMaxConcurrent(m_options.parallel > 0 ? m_options.parallel : 8);
    m_session->enqueueDownloads(source->bucket, chosen);
    const int failures = runQueue() + int(plan->refused.size() + plan->collisions.size());
    if (m_interruptedBy != 0)
        return 128 + m_interruptedBy;
    if (!m_options.quiet) {
        for (const Transfers::Transfer *transfer : m_session->transfers().transfers()) {
            if (transfer->state() == Transfers::TransferState::Succeeded)
                out() << "download: " << printable(transfer->remote().toString()) << " to " << transfer->localPath() << "\n";
        }
    }
    return failures == 0 ? 0 : 1;
}

int Runner::presign()
{
    if (m_options.arguments.size() != 1)
        return usage(QStringLiteral("presign needs s3://bucket/key"));
    const auto uri = S3::parseS3Uri(m_options.arguments.first());
    if (!uri)
        return fail(uri.error());
    const auto presigned = m_session->presign(m_options.put ? "PUT" : "GET", uri->bucket, uri->key, m_options.expiresSeconds);
    if (!presigned)
        return fail(presigned.error());
    if (presigned->cutBySession)
        err() << "roledrop: note: the URL stops working when the role session ends at "
              << presigned->end.toLocalTime().toString(Qt::ISODate) << ", before the " << m_options.expiresSeconds
              << " s asked for\n";
    out() << presigned->url.toString(QUrl::FullyEncoded) << "\n";
    return 0;
}

int Runner::profiles()
{
    const Sessions::ProfileManager &manager = m_session->profiles();
    for (const Auth::Profile &profile : manager.list()) {
        if (profile.kind == Auth::ProfileKind::IdentityCenter) {
            const QString role = profile.ssoAccountId.isEmpty() ? QStringLiteral("(pick an account)")
                                                               : profile.ssoRoleName + QLatin1Char('@') + profile.ssoAccountId;
            out() << profile.name << "\t(RoleDrop, Identity Center)\t" << profile.ssoStartUrl << "\t" << role << "\t"
                  << profile.ssoRegion << "\n";
            continue;
        }
        if (profile.kind == Auth::ProfileKind::OpenIdConnect) {
            out() << profile.name << "\t(RoleDrop, OpenID Connect)\t" << profile.oidcIssuer << "\t" << profile.oidcRoleArn << "\n";
            continue;
        }
        out() << profile.name << "\t(RoleDrop, keychain)\t" << profile.accessKeyId << "\t" << profile.region
              << (profile.endpointUrl.isEmpty() ? QString() : QLatin1Char('\t') + profile.endpointUrl) << "\n";
    }
    const Auth::AwsSharedConfig &awsConfig = manager.awsConfig();
    for (const QString &name : awsConfig.profileNames()) {
        const auto profile = awsConfig.profile(name);
        out() << name << "\t(~/.aws)\t" << (profile->roleArn.isEmpty() ? profile->accessKeyId : profile->roleArn) << "\t"
              << profile->region << "\n";
    }
    for (const QString &problem : awsConfig.problems())
        err() << "roledrop: warning: " << problem << "\n";
    return 0;
}

int Runner::login()
{
    const QString profileName = m_options.profile.isEmpty() ? Auth::profileNameFromEnvironment() : m_options.profile;
    auto signedIn = awaitResult<Done>([&](QObject *context, auto done) { m_session->signIn(profileName, context, done, overrides()); });
    if (!signedIn)
        return fail(signedIn.error());
    err() << "roledrop: signed in for profile '" << profileName << "'; the token is in the system keychain\n";
    return 0;
}

int Runner::logout()
{
    const QString profileName = m_options.profile.isEmpty() ? Auth::profileNameFromEnvironment() : m_options.profile;
    auto signedOut = awaitResult<Done>([&](QObject *context, auto done) { m_session->signOut(profileName, context, done, overrides()); });
    if (!signedOut)
        return fail(signedOut.error());
    err() << "roledrop: signed out for profile '" << profileName << "'\n";
    return 0;
}

int Runner::accounts()
{
    const QString profileName = m_options.profile.isEmpty() ? Auth::profileNameFromEnvironment() : m_options.profile;
    auto found = awaitResult<QList<Auth::SsoAccount>>([&](QObject *context, auto done) {
        m_session->identityCenterAccounts(profileName, true, context, done, overrides());
    });
    if (!found)
        return fail(found.error());
    // One line per role, tab-separated, for scripts: account id, role, account name, e-mail.
    for (const Auth::SsoAccount &account : found.value()) {
        for (const QString &role : account.roleNames)
            out() << account.accountId << "\t" << printable(role) << "\t" << printable(account.accountName) << "\t"
                  << printable(account.emailAddress) << "\n";
        if (account.roleNames.isEmpty())
            out() << account.accountId << "\t-\t" << printable(account.accountName) << "\t" << printable(account.emailAddress) << "\n";
    }
    if (found->isEmpty())
        err() << "roledrop: no AWS account is assigned to you in IAM Identity Center\n";
    return 0;
}

int Runner::profileAdd()
{
    if (m_options.arguments.size() != 1
        || (m_options.accessKeyId.isEmpty() && m_options.ssoStartUrl.isEmpty() && m_options.oidcIssuer.isEmpty()))
        return usage(QStringLiteral("profile-add needs NAME --access-key-id ID (the secret is read from stdin), "
                                    "NAME --sso-start-url URL --sso-region REGION, "
                                    "or NAME --oidc-issuer URL --client-id ID --role-arn ARN"));
    if (!m_options.oidcIssuer.isEmpty() && (m_options.oidcClientId.isEmpty() || m_options.oidcRoleArn.isEmpty()))
        return usage(QStringLiteral("profile-add NAME --oidc-issuer URL also needs --client-id ID and --role-arn ARN"));
    Auth::Profile profile;
    profile.name = m_options.arguments.first();
    if (!m_options.ssoStartUrl.isEmpty()) {
        profile.kind = Auth::ProfileKind::IdentityCenter;
        profile.ssoStartUrl = m_options.ssoStartUrl;
        profile.ssoRegion = m_options.ssoRegion.isEmpty() ? m_options.region : m_options.ssoRegion;
        profile.ssoAccountId = m_options.accountId;
        profile.ssoRoleName = m_options.roleName;
        profile.signInMethod = m_options.deviceCode ? Auth::SsoSignInMethod::DeviceCode
            : m_options.browser ? Auth::SsoSignInMethod::Browser : Auth::SsoSignInMethod::Automatic;
    } else if (!m_options.oidcIssuer.isEmpty()) {
        profile.kind = Auth::ProfileKind::OpenIdConnect;
        profile.oidcIssuer = m_options.oidcIssuer;
        profile.oidcClientId = m_options.oidcClientId;
        profile.oidcRoleArn = m_options.oidcRoleArn;
        if (!m_options.oidcScopes.isEmpty())
            profile.oidcScopes = m_options.oidcScopes;
        profile.signInMethod = Auth::SsoSignInMethod::Browser;
    }
    profile.accessKeyId = m_options.accessKeyId;
    if (!m_options.region.isEmpty())
        profile.region = m_options.region;
    profile.endpointUrl = m_options.endpointUrl;
    profile.pathStyle = m_options.pathStyle;
    profile.mfaSerial = m_options.mfaSerial;
    // Stored for later runs from any folder: a relative name is made absolute now.
    profile.caFile = m_options.caBundle.isEmpty() ? QString() : QFileInfo(m_options.caBundle).absoluteFilePath();
    const auto valid = Sessions::ProfileManager::validate(profile);
    if (!valid)
        return fail(valid.error());
    if (m_session->profiles().contains(valid->name))
        return fail(AwsError::validation(QStringLiteral("A profile named '%1' exists already (profile-remove it first)").arg(valid->name)));
    if (valid->kind == Auth::ProfileKind::OpenIdConnect) {
        // A public client has no secret; a confidential one's is read from stdin (never echoed) into the keychain.
        QString clientSecret = m_options.clientSecretFromStdin
            ? readSecretLine(QStringLiteral("Client secret for %1: ").arg(profile.oidcClientId)) : QString();
        const auto forgetClientSecret = qScopeGuard([&clientSecret] { wipeSecret(clientSecret); });
        if (m_options.clientSecretFromStdin && clientSecret.isEmpty())
            return fail(AwsError::validation(QStringLiteral("--client-secret-stdin given, but no client secret on stdin")));
        auto added = awaitResult<Auth::Profile>([&](QObject *context, auto done) {
            m_session->profiles().add(valid.value(), clientSecret, context, done);
        });
        if (!added)
            return fail(added.error());
        err() << "roledrop: profile '" << added->name << "' saved; sign in with: roledrop login --profile " << added->name << "\n";
        return 0;
    }
    if (valid->kind == Auth::ProfileKind::IdentityCenter) {
        auto added = awaitResult<Auth::Profile>([&](QObject *context, auto done) {
            m_session->profiles().add(valid.value(), QString(), context, done);
        });
        if (!added)
            return fail(added.error());
        err() << "roledrop: profile '" << added->name << "' saved; sign in with: roledrop login --profile " << added->name << "\n";
        return 0;
    }
    QString secret = readSecretLine(QStringLiteral("Secret access key for %1: ").arg(profile.accessKeyId));
    const auto forgetSecret = qScopeGuard([&secret] { wipeSecret(secret); });
    if (secret.isEmpty())
        return fail(AwsError::validation(QStringLiteral("No secret access key given on stdin")));
    auto added = awaitResult<Auth::Profile>([&](QObject *context, auto done) {
        m_session->profiles().add(valid.value(), secret, context, done);
    });
    if (!added)
        return fail(added.error());
    err() << "roledrop: profile '" << added->name << "' saved; its secret is in the system keychain\n";
    return 0;
}

int Runner::profileRemove()
{
    if (m_options.arguments.size() != 1)
        return usage(QStringLiteral("profile-remove needs NAME"));
    const QString name = m_options.arguments.first();
    auto removed = awaitResult<Done>([&](QObject *context, auto done) { m_session->profiles().remove(name, context, done); });
    return removed ? 0 : fail(removed.error());
}

int Runner::uploads()
{
    if (m_options.arguments.size() != 1)
        return usage(QStringLiteral("uploads needs s3://bucket/[prefix]"));
    const auto uri = S3::parseS3Uri(m_options.arguments.first());
    if (!uri)
        return fail(uri.error());
    auto found = awaitResult<QList<Sessions::UnfinishedUpload>>([&](QObject *context, auto done) {
        m_session->listUnfinishedUploads(uri->bucket, uri->key, context, done);
    });
    if (!found)
        return fail(found.error());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    int aborted = 0;
    int failures = 0;
    for (const Sessions::UnfinishedUpload &entry : found.value()) {
        const qint64 age = entry.upload.initiated.isValid() ? entry.upload.initiated.secsTo(now) : -1;
        const QString ageText = age < 0 ? QStringLiteral("?") : age >= 86400 ? QStringLiteral("%1d").arg(age / 86400)
                              : age >= 3600 ? QStringLiteral("%1h").arg(age / 3600) : QStringLiteral("%1m").arg(age / 60);
        out() << entry.upload.initiated.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) << " " << QStringLiteral("%1").arg(ageText, 5)
              << " " << QStringLiteral("%1").arg(entry.bytesOnServer < 0 ? QStringLiteral("?") : humanSize(entry.bytesOnServer, QLocale::c()), 10) << " "
              << printable(entry.upload.key);
        if (entry.record)
            out() << "  (resume: roledrop upload " << entry.record->localPath << " s3://" << uri->bucket << "/" << printable(entry.upload.key) << ")";
        out() << "\n";
        if (m_options.abortOlderThanSeconds >= 0 && age >= m_options.abortOlderThanSeconds) {
            auto done = awaitResult<Done>([&](QObject *context, auto handler) {
                m_session->abortUnfinishedUpload(uri->bucket, entry.upload.key, entry.upload.uploadId, context, handler);
            });
            if (done) {
                ++aborted;
            } else {
                ++failures;
                err() << "roledrop: " << done.error().userMessage() << "\n";
            }
        }
    }
    out().flush();
    if (m_options.abortOlderThanSeconds >= 0)
        err() << "roledrop: " << QCoreApplication::translate("Cli", "aborted %n unfinished upload(s)", nullptr, aborted) << "\n";
    return failures == 0 ? 0 : 1;
}

} // namespace RoleDrop::Cli
