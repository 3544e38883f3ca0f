// The browser's places: where each identity was last (remembered through the Session, core/session/
// recent_places.h), followed when the identity changes, and what a refused listing shows instead of a count.

#include "ui/browser/bucket_browser.h"

#include "core/session/session.h"
#include "ui/browser/breadcrumb_bar.h"
#include "ui/browser/bucket_list_model.h"
#include "ui/browser/object_list_model.h"

#include <QBoxLayout>
#include <QLabel>

namespace RoleDrop::Ui {

namespace {

bool isDenial(const AwsError &error)
{
    return error.kind == AwsErrorKind::AccessDenied;
}

} // namespace

void BucketBrowser::watchListings()
{
    m_placesKey = m_session->placesKey();
    // New credentials may see different buckets or be refused where the old ones were not.
    connect(m_session, &Sessions::Session::identityChanged, this, &BucketBrowser::followIdentity);
    connect(m_objects, &ObjectListModel::pageLoaded, this, [this](int pages) {
        if (pages == 1)
            listingLoaded();
    });
    connect(m_objects, &ObjectListModel::loadFailed, this, &BucketBrowser::listingFailed);
    connect(m_bannerText, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link == QLatin1String("open-bucket"))
            m_crumbs->editPath();
    });
}

void BucketBrowser::goToRememberedPlace()
{
    m_placesKey = m_session->placesKey();
    const auto place = m_session->lastPlace();
    if (!place || place->bucket.isEmpty())
        return showBuckets();
    navigateTo(place->bucket, place->prefix);
}

void BucketBrowser::followIdentity()
{
    // Another identity goes to its own last place: where the previous one was is often refused to it (a role
    // that may not list all buckets). The same identity (a who-am-I answer filled in) stays where it is.
    const QString key = m_session->placesKey();
    const bool another = key != m_placesKey;
    m_placesKey = key;
    if (another && m_session->lastPlace())
        return goToRememberedPlace();
    reload();
}

void BucketBrowser::listingLoaded()
{
    // Only a listing that worked is a place: a refused bucket is not one to come back to.
    if (m_session->hasIdentity())
        m_session->rememberPlace(m_bucket, m_prefix);
    if (m_listingByUser) {
        m_listingByUser = false;
        emit listingSucceeded();
    }
}

void BucketBrowser::listingFailed(const AwsError &error)
{
    if (m_objects->pagesLoaded() == 0 && isDenial(error)) {
        m_denied = true;
        updateStatus();
    }
}

void BucketBrowser::showBucketListFailure(const AwsError &error)
{
    m_denied = isDenial(error);
    // Listing all buckets is often refused to a role whose own bucket is open to it: the buckets this identity
    // opened before stand in, and a name can be typed.
    if (m_denied)
        m_buckets->setRecentBuckets(m_session->recentBuckets());
    else
        m_buckets->clear();
    showError(error);
    if (!m_denied)
        return;
    const QString next = m_buckets->rowCount() > 0 ? tr("The buckets this identity opened recently are listed below.")
                                                   : tr("If you know the name of a bucket you may open, type it.");
    m_bannerText->setText(m_bannerText->text() + QStringLiteral("<br>") + next.toHtmlEscaped()
                          + QStringLiteral(" <a href=\"open-bucket\">%1</a>").arg(tr("Open Bucket…")));
}

bool BucketBrowser::statusUnderDenial()
{
    // "0 items" under a refusal reads as "empty": say what it is.
    if (!m_denied || isLoading())
        return false;
    if (m_bucket.isEmpty())
        m_status->setText(m_buckets->showsRecent() && m_buckets->rowCount() > 0
                              ? tr("Not allowed to list all buckets: showing the ones opened recently")
                              : tr("Not allowed to list buckets"));
    else
        m_status->setText(tr("Not allowed"));
    return true;
}

void BucketBrowser::setGuide(const QString &html)
{
    if (!m_guide) {
        m_guide = new QLabel(this);
        m_guide->setObjectName(QStringLiteral("browserGuide"));
        m_guide->setAccessibleName(tr("What to do first"));
        m_guide->setWordWrap(true);
        m_guide->setTextFormat(Qt::RichText);
        m_guide->setTextInteractionFlags(Qt::TextBrowserInteraction);
        m_guide->setContentsMargins(8, 6, 8, 6);
        m_guide->setStyleSheet(QStringLiteral("#browserGuide { background: #e8f0fe; border: 1px solid #a0b8e0; color: #0b2e6b; }"));
        connect(m_guide, &QLabel::linkActivated, this, [this](const QString &link) {
            if (link == QLatin1String("hide-guide"))
                m_guide->hide();
            else if (link == QLatin1String("open-bucket"))
                m_crumbs->editPath();
        });
        // Under the path bar, above the banner and the list.
        static_cast<QBoxLayout *>(layout())->insertWidget(1, m_guide);
    }
    m_guide->setText(html + QStringLiteral(" <a href=\"hide-guide\">%1</a>").arg(tr("Hide")));
    m_guide->setVisible(!html.isEmpty());
}

QString BucketBrowser::guideText() const
{
    return m_guide && !m_guide->isHidden() ? m_guide->text() : QString();
}

} // namespace RoleDrop::Ui
