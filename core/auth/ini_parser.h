#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

namespace RoleDrop::Auth {

// One thing wrong in an INI file, pinned to its line (0: the whole file). The message never
// quotes the line itself: a broken line in ~/.aws/credentials may well be a secret key.
struct IniProblem
{
    QString file;
    int line = 0;
    QString message;

    QString toString() const; // "file:line: message"
};

struct IniValue
{
    QString value;
    int line = 0;
};

struct IniSection
{
    QString header; // the text between the brackets, trimmed
    int line = 0;
    QHash<QString, IniValue> properties; // keys lower-cased, as botocore's configparser does
    // Indented blocks under an empty key (`s3 =` then `  addressing_style = path`).
    QHash<QString, QHash<QString, IniValue>> subSections;
};

struct IniDocument
{
    QString file;
    QList<IniSection> sections; // file order; a repeated header is merged into its first occurrence
    QList<IniProblem> problems;
};

// The dialect of the AWS shared config and credentials files. Lenient by design: a broken
// line becomes an IniProblem and is skipped, and everything else in the file is still used,
// so one typo does not hide every other profile. Rules:
// - full-line comments start with '#' or ';'; an inline comment is '#' or ';' after whitespace
//   (as the AWS SDKs read it; botocore 1.29 would keep it as part of the value);
// - UTF-8 BOM and CRLF line ends are accepted;
// - a repeated key or section: the later value wins (and a problem says so);
// - lines indented deeper than an empty-valued key form its sub-section; lines there without
//   '=' are skipped silently; deeper lines after a non-empty value continue that value;
// - a line with no '=' outside such a block, a key before any section, or an unterminated or
//   empty "[...]" is a problem; keys after a broken header are skipped up to the next header.
IniDocument parseIni(const QByteArray &content, const QString &fileName);

// Reads and parses `path` (opened read-only, never written). A file that does not exist is an
// empty document without problems: most people have no ~/.aws/config.
IniDocument readIniFile(const QString &path);

} // namespace RoleDrop::Auth
