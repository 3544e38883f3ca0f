#pragma once

#include "core/transfer/transfer.h"
#include "core/transfer/upload_plan.h"

#include <QDateTime>
#include <QDialog>

class QCheckBox;
class QLabel;
class QPushButton;

namespace RoleDrop::Ui {

// What the user needs to decide about one upload whose key already exists, or one download whose file does.
struct ConflictInfo
{
    Transfers::TransferDirection direction = Transfers::TransferDirection::Upload;
    QString bucket;
    QString key;
    QString localPath;
    qint64 localSize = 0;
    QDateTime localModified;
    qint64 remoteSize = -1;     // -1 when unknown
    QDateTime remoteModified;
    int remaining = 0;          // conflicts after this one, for "apply to all"
};

// Asks overwrite / skip / keep both for one existing object (or local file), with "apply to all" when more follow.
// Used window-modal through open(), so the GUI keeps running while it waits.
class ConflictDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConflictDialog)
public:
    ConflictDialog(const ConflictInfo &info, QWidget *parent = nullptr);

    Transfers::ConflictChoice choice() const { return m_choice; }
    bool applyToAll() const;
    // The name "keep both" would give, shown on its button's tooltip.
    void setKeepBothName(const QString &key);

    QPushButton *overwriteButton() const { return m_overwrite; }
    QPushButton *skipButton() const { return m_skip; }
    QPushButton *keepBothButton() const { return m_keepBoth; }
    QCheckBox *applyToAllBox() const { return m_applyToAll; }

private:
    void choose(Transfers::ConflictChoice choice);

    Transfers::ConflictChoice m_choice = Transfers::ConflictChoice::Skip;
    QPushButton *m_overwrite = nullptr;
    QPushButton *m_skip = nullptr;
    QPushButton *m_keepBoth = nullptr;
    QCheckBox *m_applyToAll = nullptr;
    bool m_download = false;
};

} // namespace RoleDrop::Ui
