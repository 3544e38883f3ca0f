#include "core/session/session.h"

#include "core/auth/environment_credentials.h"
#include "core/auth/profile_resolver.h"
#include "core/http/aws_call.h"
#include "core/s3/object_listing.h"

#include <QElapsedTimer>
#include <QFuture>
#include <QPromise>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>
#include <QThreadPool>

#include <algorithm>
#include <atomic>

namespace RoleDrop::Sessions {

namespace {

// S3-compatible servers (Ceph RGW) lack GetCallerIdentity: they answer with an error that says "no such
// action", not "you may not". Those - and only those - fall back to what RoleDrop knows.
bool isUnsupportedAction(const AwsError &error)
{
    if (error.httpStatus == 0)
        return false;
    return error.kind == AwsErrorKind::ServiceError || error.code == QLatin1String("Unknown")
        || error.code == QLatin1String("NotImplemented") || error.code == QLatin1String("InvalidAction")
        || error.code == QLatin1String("MethodNotAllowed") || error.httpStatus == 405 || error.httpStatus == 501;
}

} // namespace

namespace {

QString dataFolderFor(const QString &keychainService, const QString &given)
{
    if (!given.isEmpty())
        return given;
    // The data location of the application, then a folder per keychain service: the demo's uploads
    // ("RoleDrop-demo") are not the user's ("RoleDrop").
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/RoleDrop/") + keychainService;
}

} // namespace

Session::Session(QSettings &settings, const QString &keychainService, QObject *parent, const QString &dataFolder)
    : QObject(parent),
      m_settings(settings),
      m_profileStore(settings),
      m_keychain(keychainService),
      m_roleHistory(settings),
      m_places(settings),
      m_profileManager(std::make_unique<ProfileManager>(m_profileStore, m_keychain, m_roleHistory)),
      m_identityCenter(m_http, m_keychain, dataFolderFor(keychainService, dataFolder)),
      m_webIdentity(m_http, m_keychain, dataFolderFor(keychainService, dataFolder)),
      m_journal(dataFolderFor(keychainService, dataFolder) + QStringLiteral("/unfinished-uploads")),
      m_regions(std::make_shared<S3::BucketRegions>())
{
    connect(&m_credentials, &Auth::CredentialProvider::identityChanged, this, &Session::onIdentityChanged);
    connect(&m_credentials, &Auth::CredentialProvider::credentialsRefreshed, this, &Session::identityRenewed);
    connect(&m_credentials, &Auth::CredentialProvider::refreshFailed, this, &Session::errorOccurred);
    connect(&m_credentials, &Auth::CredentialProvider::mfaCodeNeeded, this, &Session::mfaCodeNeeded);
    // A profile removed while open leaves no identity behind.
    connect(m_profileManager.get(), &ProfileManager::profilesChanged, this, [this] {
        if (!m_activeProfile.isEmpty() && m_activeSource == QLatin1String("keychain") && !m_profileManager->contains(m_activeProfile)) {
            m_activeProfile.clear();
            m_activeSource.clear();
            m_credentials.clear();
        }
    });
}

Session::~Session()
{
    // Nothing may keep running into a closing process (the queue, declared after the HTTP client, is
    // destroyed before it). A paused upload keeps its parts and journal, to be resumed by the next run.
    m_transfers.cancelPending();
}

void Session::onIdentityChanged()
{
    // A new identity (or endpoint) gets new S3 operations; a renewal keeps the same ones.
    const auto active = m_credentials.activeSession();
    m_s3 = active ? std::make_shared<S3::S3Client>(&m_http, active, m_endpoint, m_regions, m_checksums) : nullptr;
    emit identityChanged(m_credentials.active());
}

// Where the profile's requests go and which CAs their certificates may chain to, with the command line's overrides.
Outcome<Http::EndpointConfig> Session::endpointFor(const Auth::ResolvedProfile &resolved, const ProfileOverrides &overrides)
{
    Http::EndpointConfig endpoint = resolved.endpoint;
    if (!overrides.region.isEmpty())
        endpoint.region = overrides.region;
    if (!overrides.endpointUrl.isEmpty()) {
        const auto url = Http::EndpointConfig::parseEndpointUrl(overrides.endpointUrl);
        if (!url)
            return url.error();
        endpoint.customEndpoint = url.value();
    }
    if (overrides.pathStyle)
        endpoint.pathStyle = true;
    // Every CA file named adds to the system's CAs (a file that cannot be used fails the open, naming it).
    const std::pair<QString, QString> caFiles[] = {{overrides.caBundle, QStringLiteral("--ca-bundle")},
                                                   {Auth::caBundleFromEnvironment(), QStringLiteral("AWS_CA_BUNDLE")},
                                                   {resolved.caFile, resolved.caFileOrigin}};
    endpoint.tls = {};
    for (const auto &[caFile, origin] : caFiles) {
        if (caFile.isEmpty())
            continue;
        if (const auto unusable = endpoint.tls.addCaFile(caFile, origin))
            return *unusable;
    }
    return endpoint;
}

void Session::openProfile(const QString &name, QObject *context, ResultHandler<OpenedProfile> done,
                          const ProfileOverrides &overrides, std::function<QString(const QString &)> askMfaCode)
{
    done = deliverTo(context, std::move(done));
    const quint64 generation = ++m_openGeneration;
    const auto failed = [this, name, done](const AwsError &error) {
        emit profileFailed(name, error);
        done(error);
    };
    Auth::resolveProfile(name, m_profileStore, m_keychain, m_profileManager->awsConfig(), this,
                         [=, this](Outcome<Auth::ResolvedProfile> resolved) {
        if (generation != m_openGeneration)
            return done(AwsError::local(AwsErrorKind::Cancelled, tr("Another profile was opened meanwhile")));
        if (!resolved)
            return failed(resolved.error());
        const auto endpoint = endpointFor(resolved.value(), overrides);
        if (!endpoint)
            return failed(endpoint.error());
        // Flexible checksums: the environment over the profile's settings; a value neither knows fails the open.
        const auto checksums = S3::ChecksumSettings::resolve(resolved->requestChecksumCalculation, resolved->responseChecksumValidation);
        if (!checksums)
            return failed(checksums.error());
        const auto opened = [=, this](const std::function<void()> &setBase) {
            if (endpoint->region != m_endpoint.region || endpoint->customEndpoint != m_endpoint.customEndpoint)
                m_regions = std::make_shared<S3::BucketRegions>();
            m_checksums = checksums.value();
            m_endpoint = endpoint.value();
            m_activeProfile = resolved->name;
            m_activeSource = resolved->source;
            m_activeIdentityCenter = resolved->identityCenter;
            setBase();
            OpenedProfile result;
            result.source = resolved->source;
            assumeSteps(resolved->roleSteps, askMfaCode, result, generation, [=, this](Outcome<OpenedProfile> steps) {
                if (!steps)
                    return failed(steps.error());
                emit profileOpened(resolved->name);
                done(steps);
            });
        };
        // A federated profile's first identity is a role session that renews itself (made after sign-in).
        const ResultHandler<Auth::IdentitySession::Ptr> openedAsRole = [=, this](Outcome<Auth::IdentitySession::Ptr> role) {
            if (generation != m_openGeneration)
                return done(AwsError::local(AwsErrorKind::Cancelled, tr("Another profile was opened meanwhile")));
            if (!role)
                return failed(role.error());
            opened([=, this] { m_credentials.setBaseSession(role.value(), Sts::StsClient(&m_http, endpoint.value())); });
        };
        if (resolved->identityCenter) {
            // Signed in first (or a stored token), then the profile's account and role, as a session that renews itself.
            Auth::IdentityCenterSource source = *resolved->identityCenter;
            if (!overrides.accountId.isEmpty()) {
                source.accountId = overrides.accountId;
                source.roleName = overrides.roleName;
            }
            if (source.accountId.isEmpty() || source.roleName.isEmpty())
                return failed(AwsError::validation(tr("Profile '%1' signs in to IAM Identity Center but names no account and role to use: "
                                                      "pick one (roledrop accounts --profile %1, then --account ID --role-name NAME)")
                                                       .arg(resolved->name)));
            Auth::Identity identity;
            identity.profileName = resolved->name;
            // Named as the console names it, by the account's name once its accounts were listed (the chooser did).
            const QString accountName = m_identityCenter.accountName(source.session, source.accountId);
            identity.displayName = IdentityCenter::roleDisplayName(source.roleName, source.accountId, accountName);
            m_identityCenter.openRole(source, source.accountId, source.roleName, identity, endpoint->tls, this, openedAsRole);
            return;
        }
        if (resolved->webIdentity) {
            // Signed in first (a stored or refreshed ID token, or the token file), then AssumeRoleWithWebIdentity,
            // as a session that renews itself.
            Auth::Identity identity;
            identity.profileName = resolved->name;
            identity.displayName = resolved->webIdentity->roleArn.section(QLatin1Char('/'), -1);
            m_webIdentity.open(resolved->name, *resolved->webIdentity, identity, endpoint.value(), this, openedAsRole);
            return;
        }
        opened([=, this] {
            m_credentials.setBaseIdentity(resolved->name, resolved->baseCredentials, Sts::StsClient(&m_http, endpoint.value()));
        });
    });
}

bool Session::isIdentityCenterProfile(const QString &profile) const
{
    if (const auto own = m_profileStore.profile(profile))
        return own->kind == Auth::ProfileKind::IdentityCenter;
    const auto chain = m_profileManager->awsConfig().resolveChain(profile);
    return chain && chain->last().usesSso();
}

bool Session::isWebIdentityProfile(const QString &profile) const
{
    const auto own = m_profileStore.profile(profile.isEmpty() ? m_activeProfile : profile);
    return own && own->kind == Auth::ProfileKind::OpenIdConnect;
}

void Session::signInTargetOf(const QString &profile, const ProfileOverrides &overrides, ResultHandler<SignInTarget> done)
{
    const QString name = profile.isEmpty() ? m_activeProfile : profile;
    Auth::resolveProfile(name, m_profileStore, m_keychain, m_profileManager->awsConfig(), this,
                         [=](Outcome<Auth::ResolvedProfile> resolved) {
        if (!resolved)
            return done(resolved.error());
        const auto endpoint = endpointFor(resolved.value(), overrides);
        if (!endpoint)
            return done(endpoint.error());
        done(SignInTarget{resolved.value(), endpoint->tls});
    });
}

void Session::identityCenterOf(const QString &profile, const ProfileOverrides &overrides, QObject *context,
                               ResultHandler<std::pair<Auth::IdentityCenterSource, Http::TlsTrust>> done)
{
    done = deliverTo(context, std::move(done));
    signInTargetOf(profile, overrides, [=](Outcome<SignInTarget> target) {
        if (!target)
            return done(target.error());
        if (!target->resolved.identityCenter)
            return done(AwsError::validation(tr("Profile '%1' does not sign in to IAM Identity Center: give one that does "
                                                "(an sso_session or sso_start_url in ~/.aws/config, or RoleDrop's Identity Center profile)")
                                                 .arg(target->resolved.name)));
        done(std::pair{*target->resolved.identityCenter, target->trust});
    });
}

AwsError Session::notFederated(const QString &profile)
{
    return AwsError::validation(tr("Profile '%1' does not sign in to IAM Identity Center or an OpenID provider: give one that does "
                                   "(an sso_session or sso_start_url in ~/.aws/config, or RoleDrop's Identity Center or "
                                   "OpenID Connect profile)").arg(profile));
}

// An OpenID Connect profile of RoleDrop's signs in at its issuer; a ~/.aws web_identity_token_file profile has none.
static bool signsInToOpenIdProvider(const Auth::ResolvedProfile &resolved)
{
    return resolved.webIdentity && !resolved.webIdentity->issuer.isEmpty();
}

void Session::signIn(const QString &profile, QObject *context, ResultHandler<Done> done, const ProfileOverrides &overrides)
{
    done = deliverTo(context, std::move(done));
    signInTargetOf(profile, overrides, [=, this](Outcome<SignInTarget> target) {
        if (!target)
            return done(target.error());
        const Auth::ResolvedProfile &resolved = target->resolved;
        if (signsInToOpenIdProvider(resolved))
            return m_webIdentity.idToken(resolved.name, *resolved.webIdentity, target->trust, false, this,
                                         [done](Outcome<QString> token) { done(token ? Outcome<Done>(Done{}) : token.error()); });
        if (resolved.identityCenter)
            return m_identityCenter.signIn(*resolved.identityCenter, target->trust, this,
                                           [done](Outcome<Auth::SsoToken> token) { done(token ? Outcome<Done>(Done{}) : token.error()); });
        done(notFederated(resolved.name));
    });
}

void Session::cancelSignIn(const QString &profile, const ProfileOverrides &overrides)
{
    identityCenterOf(profile, overrides, this, [this](auto found) {
        if (found)
            m_identityCenter.cancelSignIn(found->first.session);
    });
}

void Session::signOut(const QString &profile, QObject *context, ResultHandler<Done> done, const ProfileOverrides &overrides)
{
    done = deliverTo(context, std::move(done));
    signInTargetOf(profile, overrides, [=, this](Outcome<SignInTarget> target) {
        if (!target)
            return done(target.error());
        const Auth::ResolvedProfile &resolved = target->resolved;
        if (signsInToOpenIdProvider(resolved))
            return m_webIdentity.signOut(resolved.name, *resolved.webIdentity, target->trust, this, done);
        if (resolved.identityCenter)
            return m_identityCenter.signOut(resolved.identityCenter->session, target->trust, this, done);
        done(notFederated(resolved.name));
    });
}

void Session::identityCenterAccounts(const QString &profile, bool refresh, QObject *context,
                                     ResultHandler<QList<Auth::SsoAccount>> done, const ProfileOverrides &overrides)
{
    done = deliverTo(context, std::move(done));
    identityCenterOf(profile, overrides, this, [=, this](auto found) {
        if (!found)
            return done(found.error());
        m_identityCenter.accounts(found->first, found->second, refresh, this, done);
    });
}

void Session::switchToAccountRole(const QString &accountId, const QString &accountName, const QString &roleName,
                                  const QString &color, QObject *context, ResultHandler<Auth::Identity> done,
                                  const QString &displayName)
{
    done = deliverTo(context, std::move(done));
    if (!m_activeIdentityCenter)
        return done(AwsError::validation(tr("Open an IAM Identity Center profile first, then pick one of its accounts and roles")));
    Auth::Identity identity;
    identity.profileName = m_activeProfile;
    identity.displayName = !displayName.trimmed().isEmpty()
                               ? displayName.trimmed()
                               : IdentityCenter::roleDisplayName(roleName, accountId, accountName);
    identity.color = color;
    const quint64 generation = m_openGeneration;
    m_identityCenter.openRole(*m_activeIdentityCenter, accountId, roleName, identity, m_endpoint.tls, this,
                              [=, this](Outcome<Auth::IdentitySession::Ptr> role) {
        if (!role) {
            AwsError error = role.error();
            error.action = error.action.isEmpty() ? QStringLiteral("sso:GetRoleCredentials") : error.action;
            error.resource = QStringLiteral("%1 in account %2").arg(roleName, accountId);
            return done(error);
        }
        if (generation != m_openGeneration)
            return done(AwsError::local(AwsErrorKind::Cancelled, tr("Another profile was opened meanwhile")));
        m_credentials.activateSession(role.value());
        done(role.value()->identity());
    });
}

// A ~/.aws profile's role_arn / source_profile chain, one AssumeRole after the other from its base.
void Session::assumeSteps(QList<Sts::AssumeRoleRequest> steps, std::function<QString(const QString &)> askMfaCode,
                          OpenedProfile opened, quint64 generation, ResultHandler<OpenedProfile> done)
{
    if (steps.isEmpty()) {
        m_credentials.markProfileOpened();
        opened.identity = m_credentials.active();
        return done(opened);
    }
    Sts::AssumeRoleRequest step = steps.takeFirst();
    if (!step.serialNumber.isEmpty() && askMfaCode)
        step.tokenCode = askMfaCode(step.serialNumber);
    m_credentials.switchRole(step, QString(), QString(), Auth::SwitchFrom::CurrentIdentity, this,
                             [=, this](Outcome<Auth::Identity> identity) mutable {
        if (generation != m_openGeneration)
            return done(AwsError::local(AwsErrorKind::Cancelled, tr("Another profile was opened meanwhile")));
        if (!identity)
            return done(identity.error());
        if (!identity->notice.isEmpty())
            opened.notice = identity->notice;
        assumeSteps(steps, askMfaCode, opened, generation, done);
    });
}

Http::AwsCall *Session::switchRole(const Sts::AssumeRoleRequest &request, const QString &displayName, const QString &color,
                                   Auth::SwitchFrom from, QObject *context, ResultHandler<Auth::Identity> done)
{
    done = deliverTo(context, std::move(done));
    const QString profile = m_activeProfile;
    const bool remembered = m_activeSource == QLatin1String("keychain");
    return m_credentials.switchRole(request, displayName, color, from, this, [=, this](Outcome<Auth::Identity> identity) {
        // Remembered as the console remembers switched roles, for the window's list and the next run.
        if (identity && remembered && profile == m_activeProfile) {
            Auth::RoleHistoryEntry entry;
            entry.sourceProfile = profile;
            entry.roleArn = request.roleArn;
            entry.accountId = identity->accountId;
            entry.displayName = identity->displayName;
            entry.color = color;
            if (m_roleHistory.record(entry))
                emit rolesRemembered(profile);
        }
        done(identity);
    });
}

QString Session::placesKey() const
{
    return hasIdentity() ? RecentPlaces::identityKey(m_credentials.active(), m_endpoint) : QString();
}

void Session::rememberPlace(const QString &bucket, const QString &prefix)
{
    m_places.remember(placesKey(), Place{bucket, prefix});
}

Outcome<Auth::RoleHistoryEntry> Session::saveRole(const Auth::RoleHistoryEntry &entry)
{
    auto saved = m_roleHistory.save(entry);
    if (saved)
        emit rolesRemembered(saved->sourceProfile);
    return saved;
}

void Session::setProxyLoginPrompt(Http::ProxyLoginPrompt prompt)
{
    m_http.setProxyLoginPrompt(std::move(prompt));
}

void Session::backToBase()
{
    m_credentials.backToBase();
}

Http::AwsCall *Session::whoAmI(QObject *context, ResultHandler<WhoAmI> done)
{
    done = deliverTo(context, std::move(done));
    return m_credentials.whoAmI(this, [this, done](Outcome<Sts::CallerIdentity> caller) {
        WhoAmI answer;
        const Auth::Identity &identity = m_credentials.active();
        answer.accessKeyId = identity.accessKeyId;
        if (caller) {
            answer.arn = caller->arn;
            answer.account = caller->account;
            answer.userId = caller->userId;
            return done(answer);
        }
        if (!isUnsupportedAction(caller.error()))
            return done(caller.error());
        answer.fromServer = false;
        answer.arn = identity.arn;
        answer.account = identity.accountId;
        answer.note = tr("the server does not support GetCallerIdentity; this is what RoleDrop knows locally");
        done(answer);
    });
}

Outcome<PresignedUrl> Session::presign(const QByteArray &method, const QString &bucket, const QString &key,
                                       qint64 expiresSeconds) const
{
    if (!m_s3)
        return AwsError::validation(tr("Open a profile first"));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto url = m_s3->presign(method, bucket, key, int(std::min<qint64>(expiresSeconds, INT_MAX)));
    if (!url)
        return url.error();
    const PresignValidity validity = presignValidity(now, expiresSeconds, m_credentials.active());
    return PresignedUrl{url.value(), validity.end, validity.cutBySession};
}

namespace {

// What deleting folders deletes: the keys found under them, and each folder's marker. A folder made with
// "New folder" has a marker object; one made by uploads may not: deleting a marker that is not there is harmless.
QStringList withFolderMarkers(QStringList found, const QStringList &folderPrefixes)
{
    for (const QString &folder : folderPrefixes) {
        if (!found.contains(folder))
            found.append(folder);
    }
    return found;
}

} // namespace

Http::AwsCall *Session::deleteEntries(const QString &bucket, const QStringList &keys, const QStringList &folderPrefixes,
                                      QObject *context, ResultHandler<S3::DeleteObjectsResult> done)
{
    done = deliverTo(context, std::move(done));
    const auto client = m_s3;
    // Listed under the session, not `context`: once asked, the deletion goes through even if its asker leaves.
    return listForDeletion(bucket, keys, folderPrefixes, this, {}, [client, bucket, done, this](Outcome<QStringList> doomed) {
        if (!doomed)
            return done(doomed.error());
        client->deleteObjects(bucket, doomed.value(), this, done);
    });
}

Http::AwsCall *Session::listForDeletion(const QString &bucket, const QStringList &keys, const QStringList &folderPrefixes,
                                        QObject *context, std::function<void(int keysFound)> onProgress,
                                        ResultHandler<QStringList> done)
{
    done = deliverTo(context, std::move(done));
    if (!m_s3) {
        done(AwsError::validation(tr("Open a profile first")));
        return nullptr;
    }
    return S3::expandToKeys(m_s3, bucket, keys, folderPrefixes, context, [folderPrefixes, done](Outcome<QStringList> all) {
        if (!all)
            return done(all.error());
        done(withFolderMarkers(all.value(), folderPrefixes));
    }, std::move(onProgress));
}

Http::AwsCall *Session::deleteKeys(const QString &bucket, const QStringList &keys, int batchSize, QObject *context,
                                   std::function<void(int deleted, int total)> onProgress,
                                   ResultHandler<S3::DeleteObjectsResult> done)
{
    done = deliverTo(context, std::move(done));
    onProgress = whileAlive<int, int>(context, std::move(onProgress));
    if (!m_s3) {
        done(AwsError::validation(tr("Open a profile first")));
        return nullptr;
    }
    const auto client = m_s3;
    batchSize = std::clamp(batchSize, 1, 1000);
    Http::AwsCall *call = m_http.newCall(context);
    struct Deletion
    {
        S3::DeleteObjectsResult merged;
        bool stopped = false;  // the user cancelled: no further batch is sent
        std::function<void(qsizetype)> sendFrom;
    };
    auto deletion = std::make_shared<Deletion>();
    // Not the batch on its way: a DeleteObjects cut off mid-flight leaves unknown which of its keys are gone.
    call->addOnCancel([deletion] { deletion->stopped = true; });
    QObject::connect(call, &Http::AwsCall::finished, call, [deletion] { deletion->sendFrom = nullptr; });
    deletion->sendFrom = [client, bucket, keys, batchSize, call, onProgress, done, weak = std::weak_ptr<Deletion>(deletion)](qsizetype from) {
        const auto deletion = weak.lock();
        if (!deletion)
            return;
        if (from >= keys.size() || deletion->stopped) {
            done(deletion->merged);
            return call->release();
        }
        const QStringList batch = keys.mid(from, batchSize);
        client->deleteObjects(bucket, batch, call, [call, done, onProgress, weak, from, batch, total = keys.size()](Outcome<S3::DeleteObjectsResult> result) {
            const auto deletion = weak.lock();
            if (!deletion)
                return;
            const qsizetype size = batch.size();
            if (!result) {
                // The batches before this one are gone all the same: they are reported with this one's failure.
                if (deletion->merged.deleted.isEmpty() && deletion->merged.failed.isEmpty()) {
                    done(result.error());
                } else {
                    for (const QString &key : batch)
                        deletion->merged.failed.append({key, result.error()});
                    done(deletion->merged);
                }
                return call->release();
            }
            deletion->merged.deleted += result->deleted;
            deletion->merged.failed += result->failed;
            if (onProgress)
                onProgress(int(from + size), int(total));
            deletion->sendFrom(from + size);
        });
    };
    call->retain();
    deletion->sendFrom(0);
    return call;
}

Http::AwsCall *Session::checkUpload(const QStringList &localPaths, const QString &bucket, const QString &prefix,
                                    QObject *context, ResultHandler<UploadCheck> done,
                                    std::function<void(int filesFound)> onScanned)
{
    done = deliverTo(context, std::move(done));
    onScanned = whileAlive<int>(context, std::move(onScanned));
    if (!m_s3) {
        done(AwsError::validation(tr("Open a profile first")));
        return nullptr;
    }
    const auto client = m_s3;
    // Shared with the walk on the worker thread: how far it got, and whether to stop.
    struct Walk
    {
        std::atomic_bool stop{false};
        std::atomic_int found{0};
    };
    auto walk = std::make_shared<Walk>();
    Http::AwsCall *call = m_http.newCall(context);
    call->addOnCancel([walk] { walk->stop = true; });
    if (onScanned) {
        // Read on this thread a few times a second: the walk itself never waits for the GUI.
        auto *ticks = new QTimer(call);
        ticks->setInterval(150);
        QObject::connect(ticks, &QTimer::timeout, call, [walk, onScanned] { onScanned(walk->found.load()); });
        ticks->start();
    }
    const auto cancelled = [] { return AwsError::local(AwsErrorKind::Cancelled, tr("Cancelled")); };
    // A dropped folder may hold many thousands of files: walk it on a worker thread.
    auto promise = std::make_shared<QPromise<Transfers::LocalScan>>();
    QFuture<Transfers::LocalScan> scanned = promise->future();
    promise->start();
    QThreadPool::globalInstance()->start([promise, localPaths, walk] {
        promise->addResult(Transfers::scanLocalPaths(localPaths, [walk](int found) {
            walk->found = found;
            return !walk->stop.load();
        }));
        promise->finish();
    });
    call->retain();
    scanned.then(call, [client, bucket, prefix, done, call, walk, cancelled](const Transfers::LocalScan &scan) {
        if (scan.stopped || walk->stop) {
            done(cancelled());
            return call->release();
        }
        auto check = std::make_shared<UploadCheck>();
        check->problems = scan.problems;
        check->skippedLinks = scan.skippedLinks;
        check->plan = Transfers::planUpload(scan.files, prefix);
        if (check->plan.items.isEmpty()) {
            done(*check);
            return call->release();
        }
        Transfers::findExistingObjects(client, bucket, check->plan, call,
                                       [check, done, call, walk, cancelled](Outcome<QHash<QString, Transfers::RemoteFacts>> existing) {
            if (walk->stop) {
                done(cancelled());
                return call->release();
            }
            if (existing)
                check->existing = existing.value();
            done(*check);
            call->release();
        });
    });
    return call;
}

// Every transfer goes through here on its way into the queue: its aborts are watched until they are done.
void Session::adopt(Transfers::Transfer *transfer)
{
    if (auto *upload = qobject_cast<Transfers::UploadTransfer *>(transfer)) {
        upload->setJournal(&m_journal);
        connect(upload, &Transfers::UploadTransfer::cleanupStarted, this, [this](Http::AwsCall *call) {
            m_cleanups.removeAll(nullptr);
            if (call)
                m_cleanups.append(call);
        });
    }
    m_transfers.enqueue(transfer);
}

QList<Transfers::Transfer *> Session::enqueueUploads(const QString &bucket, const Transfers::UploadPlan &plan,
                                                     const Transfers::UploadOptions &options)
{
    QList<Transfers::Transfer *> transfers;
    if (!m_s3)
        return transfers;
    const QString endpoint = Transfers::journalEndpointName(m_endpoint);
    for (const Transfers::UploadItem &item : plan.items) {
        Transfers::UploadOptions itemOptions = options;
        itemOptions.noClobber = options.noClobber || item.noClobber;
        auto *upload = new Transfers::UploadTransfer(m_s3, item.localPath, S3::S3Uri{bucket, item.key}, itemOptions);
        // The same file to the same place, stopped earlier: its sent parts are taken up again.
        if (const auto record = m_journal.find(endpoint, bucket, item.key, item.localPath))
            upload->resumeFrom(*record);
        transfers.append(upload);
    }
    for (Transfers::Transfer *transfer : std::as_const(transfers))
        adopt(transfer);
    return transfers;
}

QList<Transfers::Transfer *> Session::resumeUploads(const QList<Transfers::UploadRecord> &records)
{
    QList<Transfers::Transfer *> transfers;
    if (!m_s3)
        return transfers;
    const QString endpoint = Transfers::journalEndpointName(m_endpoint);
    for (const Transfers::UploadRecord &record : records) {
        if (record.endpoint != endpoint)
            continue;
        Transfers::UploadOptions options;
        options.partSize = record.partSize;
        options.contentType = record.contentType;
        options.checksumAlgorithm = record.checksumAlgorithm;
        options.noClobber = record.noClobber;
        auto *upload = new Transfers::UploadTransfer(m_s3, record.localPath, S3::S3Uri{record.bucket, record.key}, options);
        upload->resumeFrom(record);
        transfers.append(upload);
        adopt(upload);
    }
    return transfers;
}

Http::AwsCall *Session::listUnfinishedUploads(const QString &bucket, const QString &prefix, QObject *context,
                                              ResultHandler<QList<UnfinishedUpload>> done)
{
    done = deliverTo(context, std::move(done));
    if (!m_s3) {
        done(AwsError::validation(tr("Open a profile first")));
        return nullptr;
    }
    const auto client = m_s3;
    const QString endpoint = Transfers::journalEndpointName(m_endpoint);
    return client->listMultipartUploads(bucket, prefix, this, [this, client, bucket, endpoint, done](Outcome<QList<S3::MultipartUploadInfo>> uploads) {
        if (!uploads)
            return done(uploads.error());
        auto found = std::make_shared<QList<UnfinishedUpload>>();
        const QList<Transfers::UploadRecord> records = m_journal.records();
        for (const S3::MultipartUploadInfo &upload : uploads.value()) {
            UnfinishedUpload entry;
            entry.upload = upload;
            for (const Transfers::UploadRecord &record : records) {
                if (record.endpoint == endpoint && record.bucket == bucket && record.uploadId == upload.uploadId)
                    entry.record = record;
            }
            found->append(entry);
        }
        if (found->isEmpty())
            return done(*found);
        // The size of each: the sum of its parts (one ListParts each; a failure leaves the size unknown).
        auto left = std::make_shared<int>(int(found->size()));
        for (int i = 0; i < found->size(); ++i) {
            const S3::MultipartUploadInfo upload = found->at(i).upload;
            client->listParts(bucket, upload.key, upload.uploadId, this, [found, left, i, done](Outcome<QList<S3::UploadedPart>> parts) {
                if (parts) {
                    qint64 bytes = 0;
                    for (const S3::UploadedPart &part : parts.value())
                        bytes += part.size;
                    (*found)[i].bytesOnServer = bytes;
                }
                if (--*left == 0)
                    done(*found);
            });
        }
    });
}

Http::AwsCall *Session::abortUnfinishedUpload(const QString &bucket, const QString &key, const QString &uploadId,
                                              QObject *context, ResultHandler<Done> done)
{
    done = deliverTo(context, std::move(done));
    if (!m_s3) {
        done(AwsError::validation(tr("Open a profile first")));
        return nullptr;
    }
    const QString endpoint = Transfers::journalEndpointName(m_endpoint);
    return m_s3->abortMultipartUpload(bucket, key, uploadId, this, [this, endpoint, bucket, uploadId, done](Outcome<Done> aborted) {
        // Gone from the server (or gone already): the journal forgets it too.
        if (aborted || aborted.error().kind == AwsErrorKind::NoSuchUpload) {
            for (const Transfers::UploadRecord &record : m_journal.records()) {
                if (record.endpoint == endpoint && record.bucket == bucket && record.uploadId == uploadId)
                    m_journal.remove(record.id);
            }
        }
        done(aborted);
    });
}

int Session::pendingCleanups() const
{
    int pending = 0;
    for (const auto &call : m_cleanups)
        pending += call ? 1 : 0;
    return pending;
}

void Session::waitForCleanups(int timeoutMs, QObject *context, std::function<void(int left)> done)
{
    auto *timer = new QTimer(context);
    timer->setSingleShot(true);
    auto *poll = new QTimer(context);
    poll->setInterval(50);
    const auto finish = [this, timer, poll, done] {
        poll->deleteLater();
        timer->deleteLater();
        done(pendingCleanups());
    };
    connect(timer, &QTimer::timeout, context, [poll, finish] {
        if (poll->isActive()) {
            poll->stop();
            finish();
        }
    });
    connect(poll, &QTimer::timeout, context, [this, poll, timer, finish] {
        if (pendingCleanups() == 0) {
            poll->stop();
            timer->stop();
            finish();
        }
    });
    poll->start();
    timer->start(timeoutMs);
}

Http::AwsCall *Session::planDownload(const QString &bucket, const QStringList &keys, const QStringList &folderPrefixes,
                                     const QString &stripPrefix, const QString &folder, QObject *context,
                                     ResultHandler<Transfers::DownloadPlan> done)
{
    done = deliverTo(context, std::move(done));
    if (!m_s3) {
        done(AwsError::validation(tr("Open a profile first")));
        return nullptr;
    }
    return S3::expandToKeys(m_s3, bucket, keys, folderPrefixes, this, [stripPrefix, folder, done](Outcome<QStringList> all) {
        if (!all)
            return done(all.error());
        done(Transfers::planDownload(all.value(), stripPrefix, folder));
    });
}

QList<Transfers::Transfer *> Session::enqueueDownloads(const QString &bucket, const Transfers::DownloadPlan &plan,
                                                       const Transfers::DownloadOptions &options)
{
    QList<Transfers::Transfer *> transfers;
    if (!m_s3)
        return transfers;
    for (const Transfers::DownloadItem &item : plan.items)
        transfers.append(new Transfers::DownloadTransfer(m_s3, S3::S3Uri{bucket, item.key}, item.localPath, options));
    for (Transfers::Transfer *transfer : std::as_const(transfers))
        adopt(transfer);
    return transfers;
}

bool Session::retry(Transfers::Transfer *transfer, RetryAs as)
{
    if (as == RetryAs::CurrentIdentity && (!m_s3 || !transfer->rebind(m_s3)))
        return false;
    return m_transfers.retry(transfer);
}

void Session::retryFailed(RetryAs as)
{
    const QList<Transfers::Transfer *> all = m_transfers.transfers();
    for (Transfers::Transfer *transfer : all) {
        if (transfer->state() == Transfers::TransferState::Failed || transfer->state() == Transfers::TransferState::Paused)
            retry(transfer, as);
    }
}

} // namespace RoleDrop::Sessions
