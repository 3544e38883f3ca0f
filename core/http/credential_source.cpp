#include "core/http/credential_source.h"

namespace RoleDrop::Http {

namespace {

class FixedCredentials final : public CredentialSource
{
public:
    FixedCredentials(AwsCredentials credentials, QString name)
        : m_credentials(std::move(credentials)), m_name(name.isEmpty() ? m_credentials.describe() : std::move(name))
    {
    }

    AwsCredentials credentials() const override { return m_credentials; }
    QString nameForErrors() const override { return m_name; }
    QString displayName() const override { return m_name; }

private:
    AwsCredentials m_credentials;
    QString m_name;
};

} // namespace

CredentialSourcePtr fixedCredentials(const AwsCredentials &credentials, const QString &name)
{
    return std::make_shared<FixedCredentials>(credentials, name);
}

} // namespace RoleDrop::Http
