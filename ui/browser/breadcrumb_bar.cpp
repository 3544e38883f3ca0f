#include "ui/browser/breadcrumb_bar.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QStackedWidget>
#include <QToolButton>

namespace RoleDrop::Ui {

BreadcrumbBar::BreadcrumbBar(QWidget *parent)
    : QWidget(parent), m_stack(new QStackedWidget(this)), m_crumbs(new QWidget(this)),
      m_crumbLayout(new QHBoxLayout(m_crumbs)), m_edit(new QLineEdit(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);
    m_crumbLayout->setContentsMargins(0, 0, 0, 0);
    m_crumbLayout->setSpacing(0);
    m_stack->addWidget(m_crumbs);
    m_stack->addWidget(m_edit);
    m_stack->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_edit->setPlaceholderText(tr("bucket/prefix/"));
    m_edit->setObjectName(QStringLiteral("locationEdit"));
    m_edit->setAccessibleName(tr("Location"));
    m_edit->setToolTip(tr("Type a location such as data/reports/ and press Enter; Esc cancels"));
    m_edit->installEventFilter(this);
    connect(m_edit, &QLineEdit::returnPressed, this, [this] { finishEditing(true); });
    rebuildCrumbs();
}

QString BreadcrumbBar::pathText(const QString &bucket, const QString &prefix)
{
    if (bucket.isEmpty())
        return QString();
    return bucket + QLatin1Char('/') + prefix;
}

std::pair<QString, QString> BreadcrumbBar::parsePath(const QString &text)
{
    QString path = text.trimmed();
    if (path.startsWith(QLatin1String("s3://"), Qt::CaseInsensitive))
        path = path.mid(5);
    while (path.startsWith(QLatin1Char('/')))
        path.remove(0, 1);
    const qsizetype slash = path.indexOf(QLatin1Char('/'));
    if (slash < 0)
        return {path, QString()};
    QString prefix = path.mid(slash + 1);
    // A typed path names a folder: make it a prefix so the listing shows its contents.
    if (!prefix.isEmpty() && !prefix.endsWith(QLatin1Char('/')))
        prefix += QLatin1Char('/');
    return {path.left(slash), prefix};
}

void BreadcrumbBar::setLocation(const QString &bucket, const QString &prefix)
{
    m_bucket = bucket;
    m_prefix = prefix;
    rebuildCrumbs();
    if (isEditing())
        m_edit->setText(pathText(bucket, prefix));
}

void BreadcrumbBar::editPath()
{
    m_edit->setText(pathText(m_bucket, m_prefix));
    m_stack->setCurrentWidget(m_edit);
    m_edit->setFocus(Qt::ShortcutFocusReason);
    m_edit->selectAll();
}

bool BreadcrumbBar::isEditing() const
{
    return m_stack->currentWidget() == m_edit;
}

void BreadcrumbBar::finishEditing(bool accept)
{
    m_stack->setCurrentWidget(m_crumbs);
    if (!accept)
        return;
    const auto [bucket, prefix] = parsePath(m_edit->text());
    emit locationRequested(bucket, prefix);
}

bool BreadcrumbBar::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_edit) {
        if (event->type() == QEvent::KeyPress && static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape) {
            finishEditing(false);
            return true;
        }
        if (event->type() == QEvent::FocusOut && isEditing())
            finishEditing(false);
    }
    return QWidget::eventFilter(watched, event);
}

void BreadcrumbBar::rebuildCrumbs()
{
    while (QLayoutItem *item = m_crumbLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    addCrumb(tr("Buckets"), QString(), QString(), m_bucket.isEmpty());
    if (!m_bucket.isEmpty()) {
        const QStringList parts = m_prefix.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        addCrumb(m_bucket, m_bucket, QString(), parts.isEmpty());
        QString prefix;
        for (int i = 0; i < parts.size(); ++i) {
            prefix += parts.at(i) + QLatin1Char('/');
            addCrumb(parts.at(i), m_bucket, prefix, i == parts.size() - 1);
        }
    }
    m_crumbLayout->addStretch(1);
}

void BreadcrumbBar::addCrumb(const QString &text, const QString &bucket, const QString &prefix, bool current)
{
    if (m_crumbLayout->count() > 0) {
        auto *separator = new QLabel(QStringLiteral("›"), m_crumbs);
        separator->setContentsMargins(2, 0, 2, 0);
        separator->setEnabled(false);
        m_crumbLayout->addWidget(separator);
    }
    auto *button = new QToolButton(m_crumbs);
    button->setText(text);
    button->setAutoRaise(true);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    if (bucket.isEmpty())
        button->setToolTip(tr("Show all buckets"));
    else
        button->setToolTip(QStringLiteral("s3://") + pathText(bucket, prefix));
    if (current) {
        QFont font = button->font();
        font.setBold(true);
        button->setFont(font);
    }
    connect(button, &QToolButton::clicked, this, [this, bucket, prefix] { emit locationRequested(bucket, prefix); });
    m_crumbLayout->addWidget(button);
}

} // namespace RoleDrop::Ui
