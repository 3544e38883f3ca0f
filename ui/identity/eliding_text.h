#pragma once

#include <QLabel>
#include <QToolButton>

namespace RoleDrop::Ui {

// A one-line label that shortens its text with "…" when narrower than it, instead of pushing its neighbours
// (or overlapping them) in a crowded bar. The full text stays its text(), and its tooltip unless given one.
class ElidingLabel final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ElidingLabel)
public:
    explicit ElidingLabel(Qt::TextElideMode mode = Qt::ElideRight, QWidget *parent = nullptr);

    // What is painted now (the text, or its elided form).
    QString shownText() const;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    Qt::TextElideMode m_mode;
};

// A tool button whose text elides the same way (the identity's name: clickable, focusable, and never wider
// than the bar leaves it).
class ElidingToolButton final : public QToolButton
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ElidingToolButton)
public:
    explicit ElidingToolButton(QWidget *parent = nullptr);

    QString shownText() const;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    int padding() const;
};

} // namespace RoleDrop::Ui
