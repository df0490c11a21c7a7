/**
 * Shipped word and suffix lists used by detection. Each can be replaced from the
 * `detection` config section (see config-schema.ts).
 */

/**
 * Phishing terms for `combosquat`: words attackers pair with a brand to make a look-alike
 * sound official ("paypal-secure-login"). Chosen for credential, payment and crypto-wallet
 * lures; short generic words (app, web, my, online) are left out because legitimate
 * partner and fan sites use them with brand names all the time.
 */
export const PHISHING_TERMS: readonly string[] = [
  'login', 'logon', 'signin', 'sign-in', 'signon', 'auth', 'authenticate', 'authentication', 'verify',
  'verification', 'verified', 'validate', 'validation', 'confirm', 'confirmation', 'secure', 'security',
  'account', 'accounts', 'update', 'upgrade', 'recover', 'recovery', 'restore', 'unlock', 'unlocked',
  'suspend', 'suspended', 'locked', 'limited', 'alert', 'notice', 'support', 'helpdesk', 'help-center',
  'customer', 'service', 'billing', 'invoice', 'payment', 'refund', 'wallet', 'wallets', 'connect',
  'claim', 'claims', 'airdrop', 'giveaway', 'bonus', 'reward', 'rewards', 'promo', 'gift', 'free',
  'sync', 'validator', 'migrate', 'migration', 'rectify', 'dapp', 'dapps', 'seed', 'phrase', 'mnemonic',
  'kyc', 'official', 'portal', 'password', 'reset', 'webscr', 'cmd-login', 'checkout', 'pay',
  // parcel-delivery lures (SMS "your package is held" campaigns against carriers)
  'parcel', 'parcels', 'tracking', 'delivery', 'redelivery', 'shipment', 'package',
];

/**
 * Top-level domains over-represented in phishing relative to legitimate registrations
 * (cheap or free registration, lax abuse handling). A small score modifier, never a hit alone.
 */
export const SUSPICIOUS_TLDS: readonly string[] = [
  'top', 'xyz', 'online', 'site', 'website', 'live', 'click', 'link', 'buzz', 'rest', 'fit', 'work',
  'wang', 'ooo', 'icu', 'cyou', 'cfd', 'sbs', 'monster', 'quest', 'support', 'tk', 'ml', 'ga', 'cf',
  'gq', 'pw', 'cc', 'su', 'zip', 'mov', 'lol', 'shop', 'store', 'app', 'help', 'money', 'finance',
  'network', 'services', 'digital', 'host', 'space', 'today', 'bond', 'club', 'info', 'vip', 'win',
];

/**
 * Public suffixes (PSL private section) of free or instant hosting platforms, where a
 * look-alike costs nothing and lives until reported.
 */
export const HOSTING_PLATFORMS: readonly string[] = [
  'web.app', 'firebaseapp.com', 'github.io', 'gitlab.io', 'netlify.app', 'vercel.app', 'pages.dev',
  'workers.dev', 'herokuapp.com', 'glitch.me', 'repl.co', 'replit.app', 'replit.dev', 'onrender.com',
  'fly.dev', 'surge.sh', 'azurewebsites.net', 'azurestaticapps.net', 'web.core.windows.net',
  'blogspot.com', 'wixsite.com', 'weebly.com', 'webflow.io', 'framer.app', 'godaddysites.com',
  'myshopify.com', 'square.site', 'ngrok.io', 'ngrok-free.app', 'ngrok.app', 'trycloudflare.com',
  '000webhostapp.com', 'appspot.com', 'r2.dev', 'fleek.co', 'ipfs.dweb.link', 'on.fleek.co', 'deno.dev',
  'codesandbox.io', 'csb.app', 'gitbook.io', 'notion.site', 'translate.goog', 'duckdns.org', 'ddns.net',
  'no-ip.org', 'hopto.org', 'zapto.org', 'sytes.net', 'freeddns.org', 'mybluehost.me', 'wcomhost.com',
];

/**
 * Words operators use to name infrastructure: content delivery, APIs, internal services, status
 * pages, telemetry. A brand keyword whose label holds nothing else (`shopifycloud`, `salesforce-dns`,
 * `githubassets`, `shopify-cdn.partner.com`) is how brands and their integrators name their own
 * plumbing, which nobody is lured to; such a match needs corroboration. A brand domain whose label
 * is built on one (`rbxcdn`, `twimg`, `muscache`, `walmartimages`) is infrastructure too: nobody
 * types it, so its typos and TLD swaps are not looked for. Phishing terms are deliberately absent.
 */
export const INFRA_TOKENS: readonly string[] = [
  'cdn', 'static', 'assets', 'asset', 'img', 'imgs', 'image', 'images', 'media', 'content', 'usercontent',
  'files', 'api', 'apis', 'svc', 'srv', 'server', 'servers', 'dns', 'ns', 'edge', 'proxy', 'gateway', 'gw',
  'cloud', 'network', 'net', 'status', 'inc', 'corp', 'labs', 'dev', 'prod', 'production', 'staging', 'stage',
  'test', 'qa', 'sandbox', 'internal', 'data', 'analytics', 'metrics', 'telemetry', 'events', 'tracking',
  'pixel', 'tag', 'tags', 'sdk', 'js', 'widget', 'widgets', 'plugin', 'plugins', 'extension', 'integration',
  'connector', 'cache', 'origin', 'lb', 'node', 'cluster', 'infra', 'ops', 'engineering', 'eng', 'developer',
  'developers', 'ads', 'adserver', 'messaging', 'video', 'videos', 'stream', 'streaming', 'user', 'apps',
  'init', 'us', 'eu', 'apac', 'emea', 'east', 'west', 'central',
];

/**
 * Endings of brand-domain labels that mark them as infrastructure (`rbxcdn`, `twimg`, `muscache`,
 * `walmartimages`, `githubusercontent`, `slack-edge`): typos and TLD swaps of these are not looked for.
 */
export const INFRA_LABEL_ENDINGS: readonly string[] = ['cdn', 'img', 'imgs', 'images', 'static', 'assets', 'usercontent', 'cache', 'edge', 'apis', 'svc', 'dns'];

/**
 * Domains of CDN, DNS, traffic-management and analytics providers that brands route their own
 * names through (CNAME targets, edge host names): `walmart.com.akadns.net`, `roblox.com.edgekey.net`,
 * `ups.tt.omtrdc.net`, `twitter.map.fastly.net`. A brand name under one of these is the brand's
 * own infrastructure, not impersonation. Customers cannot pick arbitrary names under most of them,
 * and none serves pages a victim would type in. Hosting platforms where anyone publishes a site
 * (HOSTING_PLATFORMS) are deliberately not here. Overridable (`detection.infrastructure`).
 */
export const INFRASTRUCTURE_DOMAINS: readonly string[] = [
  // Akamai
  'akamai.net', 'akamaiedge.net', 'akamaihd.net', 'akamaized.net', 'akadns.net', 'akamaitechnologies.com',
  'edgekey.net', 'edgesuite.net', 'akamai-staging.net', 'edgekey-staging.net', 'edgesuite-staging.net', 'akam.net',
  'akahost.net', 'akamaistream.net', 'akamaiorigin.net',
  // Fastly, Cloudflare, Amazon CloudFront and load balancers, Google
  'fastly.net', 'fastlylb.net', 'fastly-edge.com', 'cloudflare.net', 'cdn.cloudflare.net', 'cloudfront.net',
  'elb.amazonaws.com', 'awsglobalaccelerator.com', 'awsdns.com', 'googlehosted.com', 'ghs.googlehosted.com',
  // Microsoft Azure and Edge
  'azureedge.net', 'azurefd.net', 'trafficmanager.net', 'cloudapp.net', 'cloudapp.azure.com', 'msedge.net', 't-msedge.net',
  // other CDNs and DNS/traffic providers
  'edgecastcdn.net', 'systemcdn.net', 'llnwd.net', 'llnw.net', 'footprint.net', 'hwcdn.net', 'cdn77.org',
  'kxcdn.com', 'stackpathdns.com', 'netdna-cdn.com', 'cdngc.net', 'incapdns.net', 'impervadns.net', 'nsone.net',
  'dynect.net', 'ultradns.net', 'ultradns.com', 'cdnetworks.net', 'cdnga.net', 'chinacache.net', 'alikunlun.com',
  'tbcache.com', 'kunlunca.com', 'bytecdn.cn', 'gslb.com', 'edgenext.net', 'cachefly.net', 'azioncdn.net',
  // analytics, tag and marketing platforms (brand-named first-party tracking host names)
  'omtrdc.net', '2o7.net', 'demdex.net', 'adobedc.net', 'adobedtm.com', 'tt.omtrdc.net', 'sc.omtrdc.net',
  'exacttarget.com', 'mktoweb.com', 'mktossl.com', 'eloqua.com', 'en25.com', 'pardot.com', 'hubspot.net',
  'sendgrid.net', 'mcsv.net', 'list-manage.com',
  'sfmc-content.com', 'marketingcloudapps.com', 'tealiumiq.com', 'segment.io', 'kxcdn.net', 'wac.edgecastcdn.net',
];

/**
 * Words of dnstwist's `dictionary` fuzzer (dnstwist dictionaries/english.dict, Apache-2.0,
 * elceef/dnstwist): used by the `typosquat:dictionary` technique and `ctwatch permutations`.
 */
export const DNSTWIST_ENGLISH: readonly string[] = [
  'auth', 'access', 'account', 'admin', 'agree', 'blue', 'business', 'cdn', 'choose', 'claim', 'cl',
  'click', 'confirm', 'confirmation', 'connect', 'download', 'enroll', 'find', 'group', 'http', 'https',
  'https-www', 'install', 'login', 'mobile', 'mail', 'my', 'online', 'pay', 'payment', 'payments',
  'portal', 'recovery', 'register', 'ssl', 'safe', 'secure', 'security', 'service', 'services', 'signin',
  'signup', 'support', 'summary', 'update', 'user', 'verify', 'verification', 'view', 'ww', 'www', 'web',
];

/** TLDs of dnstwist's `tld-swap` fuzzer default set (dictionaries/abused_tlds.dict, Apache-2.0). */
export const DNSTWIST_ABUSED_TLDS: readonly string[] = [
  'com', 'net', 'eu', 'cn', 'ga', 'gq', 'tk', 'ml', 'cf', 'cc', 'info', 'app', 'ooo', 'xyz', 'online',
  'site', 'wang', 'work', 'rest', 'buzz', 'top', 'fit',
];
