#include "app/cli_runner.h"

#include "app/await_result.h"
#include "app/terminal_progress.h"
#include "core/transfer/download_transfer.h"
#include "core/auth/environment_credentials.h"
#include "core/transfer/local_path_guard.h"
#include "core/sts/role_arn.h"
#include "core/auth/role_history.h"
#include "core/s3/s3_uri.h"
#include "core/transfer/transfer_queue.h"
#include "core/transfer/upload_transfer.h"

#include <QDir>
#include <QDirIterator>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
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
      m_profiles(m_settings),
      m_awsConfig(Auth::AwsSharedConfig::load()),
      m_sts(&m_http, Http::EndpointConfig{}),
      m_s3(&m_http, Http::EndpointConfig{}),
      m_provider(&m_sts)
{
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
    const QString &command = m_options.command;
    if (command == QLatin1String("profiles"))
        return profiles();
    if (command == QLatin1String("profile-add"))
        return profileAdd();
    if (command == QLatin1String("profile-remove"))
        return profileRemove();
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
    return usage(QStringLiteral("unknown command '%1'").arg(command));
}

std::optional<AwsError> Runner::establishIdentity()
{
    const QString profileName = m_options.profile.isEmpty() ? Auth::profileNameFromEnvironment() : m_options.profile;
    auto resolved = awaitResult<Auth::ResolvedProfile>([&](auto done) {
        Auth::resolveProfile(profileName, m_profiles, m_keychain, m_awsConfig, done);
    });
    if (!resolved)
        return resolved.error();
    Http::EndpointConfig endpoint = resolved->endpoint;
    if (!m_options.region.isEmpty())
        endpoint.region = m_options.region;
    if (!m_options.endpointUrl.isEmpty()) {
        const auto url = Http::EndpointConfig::parseEndpointUrl(m_options.endpointUrl);
        if (!url)
            return url.error();
        endpoint.customEndpoint = url.value();
    }
    if (m_options.pathStyle)
        endpoint.pathStyle = true;
    m_sts.setEndpoint(endpoint);
    m_s3.setEndpoint(endpoint);
    m_provider.setBaseIdentity(resolved->name, resolved->baseCredentials);

    QList<Sts::AssumeRoleRequest> steps = resolved->roleSteps;
    if (!m_options.roleArn.isEmpty()) {
        Sts::AssumeRoleRequest request;
        request.roleArn = m_options.roleArn;
        request.roleSessionName = m_options.sessionName.isEmpty() ? Sts::defaultSessionName(QStringLiteral("roledrop-") + resolved->name)
                                                                  : m_options.sessionName;
        request.externalId = m_options.externalId;
        request.serialNumber = m_options.mfaSerial;
        request.policy = m_options.policy;
        request.durationSeconds = m_options.durationSeconds > 0 ? m_options.durationSeconds : 3600;
        steps.append(request);
    } else if (m_options.durationSeconds > 0 && !steps.isEmpty()) {
        steps.last().durationSeconds = m_options.durationSeconds;
    }
    for (qsizetype i = 0; i < steps.size(); ++i) {
        Sts::AssumeRoleRequest step = steps.at(i);
        if (!step.serialNumber.isEmpty()) {
            step.tokenCode = m_options.mfaCode;
            if (step.tokenCode.isEmpty())
                step.tokenCode = readSecretLine(QStringLiteral("MFA code for %1: ").arg(step.serialNumber));
        }
        auto identity = awaitResult<Auth::Identity>([&](auto done) { m_provider.switchRole(step, QString(), QString(), done); });
        if (!identity)
            return identity.error();
        if (!identity->notice.isEmpty())
            m_notice = identity->notice;
    }
    if (!m_options.roleArn.isEmpty() && resolved->source == QLatin1String("keychain")) {
        // Remembered as the console remembers switched roles, so the window offers it next time.
        Auth::RoleHistoryEntry entry;
        entry.sourceProfile = resolved->name;
        entry.roleArn = m_options.roleArn;
        entry.displayName = m_provider.active().displayName;
        Auth::RoleHistory(m_settings).record(entry);
    }
    m_s3.setCredentials(m_provider.activeCredentials(), m_provider.active().nameForErrors());
    return std::nullopt;
}

int Runner::whoami()
{
    auto caller = awaitResult<Sts::CallerIdentity>([&](auto done) { m_provider.whoAmI(done); });
    QJsonObject json;
    if (caller) {
        json = {{QStringLiteral("UserId"), caller->userId}, {QStringLiteral("Account"), caller->account},
                {QStringLiteral("Arn"), caller->arn}};
    } else {
        const AwsError &error = caller.error();
        // S3-compatible servers (Ceph RGW) lack GetCallerIdentity: say what we know locally instead of failing.
        const bool unsupported = error.kind == AwsErrorKind::ServiceError || error.code == QLatin1String("Unknown")
            || error.code == QLatin1String("NotImplemented") || error.code == QLatin1String("InvalidAction");
        if (!unsupported || error.httpStatus == 0)
            return fail(error);
        const Auth::Identity &identity = m_provider.active();
        json = {{QStringLiteral("Arn"), identity.arn}, {QStringLiteral("AccessKeyId"), identity.accessKeyId},
                {QStringLiteral("Profile"), identity.profileName},
                {QStringLiteral("Note"), QStringLiteral("the server does not support GetCallerIdentity; this is what RoleDrop knows locally")}};
    }
    if (m_provider.active().isTemporary())
        json.insert(QStringLiteral("Expiration"), isoUtc(m_provider.active().expiration));
    out() << QJsonDocument(json).toJson(QJsonDocument::Indented);
    return 0;
}

int Runner::assume()
{
    if (!m_provider.hasRole())
        return usage(QStringLiteral("assume needs --role ARN (or a profile with role_arn)"));
    const AwsCredentials creds = m_provider.activeCredentials();
    const Auth::Identity &identity = m_provider.active();
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
    if (m_options.arguments.isEmpty()) {
        auto buckets = awaitResult<S3::ListBucketsResult>([&](auto done) { m_s3.listBuckets(done); });
        if (!buckets)
            return fail(buckets.error());
        for (const S3::BucketInfo &bucket : buckets->buckets)
            out() << bucket.creationDate.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) << " " << bucket.name << "\n";
        return 0;
    }
    const auto uri = S3::parseS3Uri(m_options.arguments.first());
    if (!uri)
        return fail(uri.error());
    S3::ListObjectsRequest request;
    request.bucket = uri->bucket;
    request.prefix = uri->key;
    request.delimiter = m_options.recursive ? QString() : QStringLiteral("/");
    do {
        auto page = awaitResult<S3::ListObjectsPage>([&](auto done) { m_s3.listObjects(request, done); });
        if (!page)
            return fail(page.error());
        for (const QString &prefix : page->commonPrefixes)
            out() << QString(30, QLatin1Char(' ')) << " PRE " << prefix.mid(request.prefix.size()) << "\n";
        for (const S3::ObjectInfo &object : page->objects) {
            const QString name = m_options.recursive ? object.key : object.key.mid(request.prefix.size());
            out() << object.lastModified.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) << " "
                  << QStringLiteral("%1").arg(object.size, 15) << " " << name << "\n";
        }
        request.continuationToken = page->isTruncated ? page->nextContinuationToken : QString();
        if (page->isTruncated && request.continuationToken.isEmpty())
            return fail(AwsError::local(AwsErrorKind::MalformedResponse, QStringLiteral("The listing is truncated but has no continuation token")));
    } while (!request.continuationToken.isEmpty());
    return 0;
}

namespace {

// Runs a queue of transfers to the end with a progress bar; returns how many failed (after printing why).
int runQueue(Transfers::TransferQueue &queue, bool showProgress)
{
    TerminalProgress progress(showProgress);
    if (showProgress) {  // progress comes every 16 KiB: not even a label is made for it when quiet
        QObject::connect(&queue, &Transfers::TransferQueue::totalProgress, [&](qint64 done, qint64 total) {
            progress.update(QStringLiteral("%1 files").arg(queue.transfers().size()), done, total);
        });
    }
    int failures = 0;
    QObject::connect(&queue, &Transfers::TransferQueue::transferFinished, [&](Transfers::Transfer *transfer) {
        if (transfer->state() == Transfers::TransferState::Failed) {
            ++failures;
            progress.finish();
            err() << "roledrop: " << transfer->result().error.userMessage() << "\n";
            err().flush();
        }
    });
    if (!queue.isIdle()) {
        QEventLoop loop;
        QObject::connect(&queue, &Transfers::TransferQueue::idle, &loop, &QEventLoop::quit);
        loop.exec();
    }
    progress.finish();
    return failures;
}

} // namespace

int Runner::upload()
{
    if (m_options.arguments.size() < 2)
        return usage(QStringLiteral("upload needs FILE... s3://bucket/prefix/"));
    const auto target = S3::parseS3Uri(m_options.arguments.last());
    if (!target)
        return fail(target.error());
    const QStringList sources = m_options.arguments.mid(0, m_options.arguments.size() - 1);
    const bool intoPrefix = target->isPrefix() || sources.size() > 1;

    Transfers::UploadOptions uploadOptions;
    if (m_options.parallel > 0)
        uploadOptions.maxPartsInFlight = m_options.parallel;
    Transfers::TransferQueue queue;
    queue.setMaxConcurrent(m_options.parallel > 0 ? m_options.parallel : 8);
    QString prefix = target->key;
    if (intoPrefix && !prefix.isEmpty() && !prefix.endsWith(QLatin1Char('/')))
        prefix += QLatin1Char('/');
    for (const QString &source : sources) {
        const QFileInfo info(source);
        if (info.isDir()) {
            // A folder keeps its name and its inner paths under the prefix, as a file manager copy would.
            const QDir root(info.absoluteFilePath());
            QDirIterator it(root.absolutePath(), QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                const QString key = prefix + info.fileName() + QLatin1Char('/') + root.relativeFilePath(path);
                queue.enqueue(new Transfers::UploadTransfer(&m_s3, path, {target->bucket, key}, uploadOptions));
            }
        } else if (info.isFile()) {
            const QString key = intoPrefix ? prefix + info.fileName() : target->key;
            queue.enqueue(new Transfers::UploadTransfer(&m_s3, info.absoluteFilePath(), {target->bucket, key}, uploadOptions));
        } else {
            return fail(AwsError::local(AwsErrorKind::LocalFile, QStringLiteral("Cannot read %1: no such file or folder").arg(source)));
        }
    }
    const int failures = runQueue(queue, !m_options.quiet);
    if (failures == 0 && !m_options.quiet) {
        for (const Transfers::Transfer *transfer : queue.transfers())
            out() << "upload: " << transfer->localPath() << " to " << transfer->remote().toString() << "\n";
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

    Transfers::TransferQueue queue;
    queue.setMaxConcurrent(m_options.parallel > 0 ? m_options.parallel : 8);
    QStringList keys;
    QString stripPrefix;
    if (source->isPrefix()) {
        stripPrefix = source->key;
        S3::ListObjectsRequest request{source->bucket, source->key, QString(), QString(), 1000};
        do {
            auto page = awaitResult<S3::ListObjectsPage>([&](auto done) { m_s3.listObjects(request, done); });
            if (!page)
                return fail(page.error());
            for (const S3::ObjectInfo &object : page->objects) {
                if (!object.key.endsWith(QLatin1Char('/')))
                    keys << object.key;
            }
            request.continuationToken = page->isTruncated ? page->nextContinuationToken : QString();
        } while (!request.continuationToken.isEmpty());
    } else {
        keys << source->key;
        stripPrefix = source->key.left(source->key.lastIndexOf(QLatin1Char('/')) + 1);
    }
    int refused = 0;
    for (const QString &key : std::as_const(keys)) {
        const auto path = Transfers::localPathForKey(folder, key, stripPrefix);
        if (!path) {
            ++refused;
            err() << "roledrop: " << path.error().userMessage() << "\n";
            continue;
        }
        queue.enqueue(new Transfers::DownloadTransfer(&m_s3, {source->bucket, key}, path.value()));
    }
    const int failures = runQueue(queue, !m_options.quiet) + refused;
    if (!m_options.quiet) {
        for (const Transfers::Transfer *transfer : queue.transfers()) {
            if (transfer->state() == Transfers::TransferState::Succeeded)
                out() << "download: " << transfer->remote().toString() << " to " << transfer->localPath() << "\n";
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
    const auto url = m_s3.presign(m_options.put ? "PUT" : "GET", uri->bucket, uri->key, m_options.expiresSeconds);
    if (!url)
        return fail(url.error());
    const Auth::Identity &identity = m_provider.active();
    if (identity.isTemporary() && QDateTime::currentDateTimeUtc().addSecs(m_options.expiresSeconds) > identity.expiration)
        err() << "roledrop: note: the URL stops working when the role session ends at "
              << identity.expiration.toLocalTime().toString(Qt::ISODate) << ", before the " << m_options.expiresSeconds
              << " s asked for\n";
    out() << url->toString(QUrl::FullyEncoded) << "\n";
    return 0;
}

int Runner::profiles()
{
    for (const Auth::Profile &profile : m_profiles.list())
        out() << profile.name << "\t(RoleDrop, keychain)\t" << profile.accessKeyId << "\t" << profile.region
              << (profile.endpointUrl.isEmpty() ? QString() : QLatin1Char('\t') + profile.endpointUrl) << "\n";
    for (const QString &name : m_awsConfig.profileNames()) {
        const auto profile = m_awsConfig.profile(name);
        out() << name << "\t(~/.aws)\t" << (profile->roleArn.isEmpty() ? profile->accessKeyId : profile->roleArn) << "\t"
              << profile->region << "\n";
    }
    for (const QString &problem : m_awsConfig.problems())
        err() << "roledrop: warning: " << problem << "\n";
    return 0;
}

int Runner::profileAdd()
{
    if (m_options.arguments.size() != 1 || m_options.accessKeyId.isEmpty())
        return usage(QStringLiteral("profile-add needs NAME --access-key-id ID (the secret is read from stdin)"));
    Auth::Profile profile;
    profile.name = m_options.arguments.first();
    profile.accessKeyId = m_options.accessKeyId;
    if (!m_options.region.isEmpty())
        profile.region = m_options.region;
    profile.endpointUrl = m_options.endpointUrl;
    profile.pathStyle = m_options.pathStyle;
    profile.mfaSerial = m_options.mfaSerial;
    const auto valid = Auth::ProfileStore::validate(profile);
    if (!valid)
        return fail(valid.error());
    const QString secret = readSecretLine(QStringLiteral("Secret access key for %1: ").arg(profile.accessKeyId));
    if (secret.isEmpty())
        return fail(AwsError::validation(QStringLiteral("No secret access key given on stdin")));
    auto written = awaitResult<bool>([&](auto done) { m_keychain.writeSecret(profile.name, secret, done); });
    if (!written)
        return fail(written.error());
    const auto saved = m_profiles.save(profile);
    if (!saved)
        return fail(saved.error());
    err() << "roledrop: profile '" << profile.name << "' saved; its secret is in the system keychain\n";
    return 0;
}

int Runner::profileRemove()
{
    if (m_options.arguments.size() != 1)
        return usage(QStringLiteral("profile-remove needs NAME"));
    const QString name = m_options.arguments.first();
    if (!m_profiles.contains(name))
        return fail(AwsError::validation(QStringLiteral("No RoleDrop profile named '%1'").arg(name)));
    auto removed = awaitResult<bool>([&](auto done) { m_keychain.removeSecret(name, done); });
    if (!removed)
        return fail(removed.error());
    m_profiles.remove(name);
    return 0;
}

} // namespace RoleDrop::Cli
