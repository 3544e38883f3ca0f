#pragma once

#include <QWidget>

class QHBoxLayout;
class QLineEdit;
class QStackedWidget;

namespace RoleDrop::Ui {

// "Buckets > data > photos > 2024": one flat button per level, a click goes up to that level. Ctrl+L
// (editPath()) swaps the crumbs for an editable "bucket/prefix/" line, like a file manager's location bar.
class BreadcrumbBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BreadcrumbBar)
public:
    explicit BreadcrumbBar(QWidget *parent = nullptr);

    void setLocation(const QString &bucket, const QString &prefix);
    void editPath();
    bool isEditing() const;
    // "bucket/prefix/" as shown in the editable line ("" = the bucket list).
    static QString pathText(const QString &bucket, const QString &prefix);
    // Splits what the user typed ("data/a/b", "s3://data/a/", "/data") into bucket and prefix.
    static std::pair<QString, QString> parsePath(const QString &text);

signals:
    // The user chose a location: a crumb, or a path typed and confirmed with Enter.
    void locationRequested(const QString &bucket, const QString &prefix);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void rebuildCrumbs();
    void addCrumb(const QString &text, const QString &bucket, const QString &prefix, bool current);
    void finishEditing(bool accept);

    QStackedWidget *m_stack;
    QWidget *m_crumbs;
    QHBoxLayout *m_crumbLayout;
    QLineEdit *m_edit;
    QString m_bucket;
    QString m_prefix;
};

} // namespace RoleDrop::Ui
