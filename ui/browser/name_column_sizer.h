#pragma once

#include <QObject>

class QTreeView;

namespace RoleDrop::Ui {

// Sizes a list's columns so the first one (the name) takes the spare width and shrinks last: the other
// columns get what their header and visible rows need, but together never more than half the width, so
// in a narrow window "Last modified" gives way before names collapse to "…". Cells elide what no longer fits.
// Re-measures when the view is resized or its rows change. Owned by (and lives as long as) the view.
class NameColumnSizer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NameColumnSizer)
public:
    explicit NameColumnSizer(QTreeView *view);

    // Call after the view gets a new model (columns and rows to measure change with it).
    void watchModel();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void fit();
    void fitLater();

    QTreeView *m_view;
    bool m_pending = false;
};

} // namespace RoleDrop::Ui
