// Avrr.Bot on Azure: two or more instances in Azure Container Apps on PostgreSQL Flexible Server, secrets in Key
// Vault (read by the app's own identity), the Azure Bot registration with its Teams channel (by default the app's
// managed identity is the bot's identity: no client secret), and optionally an Azure AI Translator. Deploy into a resource group (deployment/README.md, "Azure"):
//   az deployment group create -g avrr -f deployment/azure/main.bicep -p @deployment/azure/main.parameters.json
// Checked by `bicep lint` in the test suite (DeploymentFilesTests).

@description('Short lowercase prefix for resource names (3-11 letters or digits).')
@minLength(3)
@maxLength(11)
param prefix string = 'avrr'

param location string = resourceGroup().location

@description('The container image, built with deployment/Dockerfile and pushed to a registry the app can pull from.')
param image string

@description('Credentials for a private registry; leave empty for a public image.')
param registryServer string = ''
param registryUsername string = ''
@secure()
param registryPassword string = ''

@description('How the bot proves itself to the Bot Connector: the app\'s managed identity (no secret to keep or renew), or a single-tenant app registration with a client secret.')
@allowed(['UserAssignedMSI', 'SingleTenant'])
param botIdentity string = 'UserAssignedMSI'

@description('SingleTenant only: the app registration\'s application (client) id.')
param botAppId string = ''

@description('SingleTenant only: the app registration\'s client secret.')
@secure()
param botAppPassword string = ''

param botTenantId string = tenant().tenantId

@description('Base64 of 32 random bytes (Avrr.Bot keys generate). Back it up apart from the database: without it nothing stored can be read.')
@secure()
param masterKey string

@description('Administrator password of the PostgreSQL server.')
@secure()
param postgresPassword string

@description('Instances always running; two or more keeps the service up through a restart.')
@minValue(1)
param minReplicas int = 2

@maxValue(30)
param maxReplicas int = 4

@description('Also create an Azure AI Translator for counsellor/person translation (docs/translation.md).')
param translator bool = false

@description('Send handoff.initiate to an agent hub connected to the registration (docs/channels.md).')
param agentHub bool = false

var suffix = uniqueString(resourceGroup().id)
var managedBot = botIdentity == 'UserAssignedMSI'
var postgresUser = 'avrradmin'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${prefix}-logs-${suffix}'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${prefix}-env-${suffix}'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: '${prefix}-pg-${suffix}'
  location: location
  sku: {
    name: 'Standard_B1ms'
    tier: 'Burstable'
  }
  properties: {
    version: '16'
    administratorLogin: postgresUser
    administratorLoginPassword: postgresPassword
    storage: { storageSizeGB: 32 }
    backup: {
      backupRetentionDays: 14
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: { mode: 'Disabled' }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: 'avrr'
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// Connections from Azure services only (the container apps); TLS is required by the server's default settings.
resource postgresFromAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: postgres
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource translatorAccount 'Microsoft.CognitiveServices/accounts@2024-10-01' = if (translator) {
  name: '${prefix}-translator-${suffix}'
  location: location
  kind: 'TextTranslation'
  sku: { name: 'S1' }
  properties: {
    customSubDomainName: '${prefix}-translator-${suffix}'
    publicNetworkAccess: 'Enabled'
  }
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${prefix}-id-${suffix}'
  location: location
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: '${prefix}-kv-${suffix}'
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
    softDeleteRetentionInDays: 90
  }
}

// Only the app's identity reads the secrets.
resource secretsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource masterKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'master-key'
  properties: { value: masterKey }
}

resource connectionSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'postgres-connection'
  properties: {
    value: 'Host=${postgres.properties.fullyQualifiedDomainName};Database=${database.name};Username=${postgresUser};Password=${postgresPassword};SSL Mode=Require'
  }
}

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!managedBot) {
  parent: vault
  name: 'bot-app-password'
  properties: { value: botAppPassword }
}

resource translatorKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (translator) {
  parent: vault
  name: 'translator-key'
  properties: { value: translatorAccount!.listKeys().key1 }
}

var vaultSecrets = [
  { name: 'master-key', keyVaultUrl: masterKeySecret.properties.secretUri, identity: identity.id }
  { name: 'postgres-connection', keyVaultUrl: connectionSecret.properties.secretUri, identity: identity.id }
]
var botSecrets = managedBot ? [] : [
  { name: 'bot-app-password', keyVaultUrl: botPasswordSecret!.properties.secretUri, identity: identity.id }
]
var translatorSecrets = translator ? [
  { name: 'translator-key', keyVaultUrl: translatorKeySecret!.properties.secretUri, identity: identity.id }
] : []
var registrySecrets = empty(registryServer) ? [] : [
  { name: 'registry-password', value: registryPassword }
]

// With the managed identity, the bot's app id is the identity's client id and its token comes from the identity
// endpoint Container Apps provides (IDENTITY_ENDPOINT, IDENTITY_HEADER).
var botSettings = managedBot ? [
  { name: 'Channels__BotService__AppId', value: identity.properties.clientId }
  { name: 'Channels__BotService__TenantId', value: identity.properties.tenantId }
  { name: 'Channels__BotService__ManagedIdentity', value: 'true' }
] : [
  { name: 'Channels__BotService__AppId', value: botAppId }
  { name: 'Channels__BotService__TenantId', value: botTenantId }
  { name: 'Channels__BotService__AppPassword', secretRef: 'bot-app-password' }
]
var baseSettings = [
  { name: 'Storage__Provider', value: 'Postgres' }
  { name: 'ConnectionStrings__Avrr', secretRef: 'postgres-connection' }
  { name: 'Privacy__MasterKey', secretRef: 'master-key' }
  { name: 'Channels__BotService__AgentHub', value: string(agentHub) }
  // Container Apps' ingress is the proxy in front of every instance.
  { name: 'ForwardedHeaders__KnownNetworks__0', value: '100.64.0.0/10' }
  { name: 'ForwardedHeaders__KnownNetworks__1', value: '10.0.0.0/8' }
]
var translatorSettings = translator ? [
  { name: 'Translation__Provider', value: 'Azure' }
  { name: 'Translation__Azure__Key', secretRef: 'translator-key' }
  { name: 'Translation__Azure__Region', value: location }
] : []

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${prefix}-bot'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  dependsOn: [secretsReader]
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 5080
        transport: 'auto'
        allowInsecure: false
      }
      secrets: concat(vaultSecrets, botSecrets, translatorSecrets, registrySecrets)
      registries: empty(registryServer) ? [] : [
        { server: registryServer, username: registryUsername, passwordSecretRef: 'registry-password' }
      ]
    }
    template: {
      containers: [
        {
          name: 'bot'
          image: image
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          env: concat(baseSettings, botSettings, translatorSettings)
          probes: [
            {
              type: 'Liveness'
              httpGet: { path: '/healthz', port: 5080 }
              initialDelaySeconds: 20
              periodSeconds: 30
            }
            {
              type: 'Readiness'
              httpGet: { path: '/readyz', port: 5080 }
              periodSeconds: 10
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http'
            http: { metadata: { concurrentRequests: '100' } }
          }
        ]
      }
    }
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${prefix}-bot-${suffix}'
  location: 'global'
  kind: 'azurebot'
  sku: { name: 'S1' }
  properties: {
    displayName: 'Avrr.Bot'
    endpoint: 'https://${app.properties.configuration.ingress.fqdn}/api/messages'
    msaAppType: botIdentity
    msaAppId: managedBot ? identity.properties.clientId : botAppId
    msaAppTenantId: managedBot ? identity.properties.tenantId : botTenantId
    msaAppMSIResourceId: managedBot ? identity.id : null
    disableLocalAuth: false
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

output webChatUrl string = 'https://${app.properties.configuration.ingress.fqdn}/'
output messagingEndpoint string = bot.properties.endpoint
output keyVault string = vault.name
output postgresServer string = postgres.properties.fullyQualifiedDomainName
@description('The bot\'s Microsoft App ID: the botId of the Teams app package.')
output botAppId string = managedBot ? identity.properties.clientId : botAppId
