/**
 * The names the simulation uses: data products, owner teams, use cases and consumer teams per domain.
 * Only names live here; how often things happen is the story's business (stories.ts).
 */

export interface ProductTemplate {
  /** Last part of the product id: `<domain>.<slug>`, e.g. `payments.orders-daily`. */
  readonly slug: string;
  /** Human-readable name, e.g. "Orders (daily)". */
  readonly name: string;
  readonly ownerTeam: string;
}

export interface DomainCatalogue {
  /** Products in the order the domain publishes them; reused with a numeric suffix once exhausted. */
  readonly products: readonly ProductTemplate[];
  /** Use-case slugs; use-case ids are `uc-<domain>-<slug>`, with a numeric suffix on reuse. */
  readonly useCases: readonly string[];
}

const payments: DomainCatalogue = {
  products: [
    { slug: 'orders-daily', name: 'Orders (daily)', ownerTeam: 'payments-core' },
    { slug: 'card-authorisations', name: 'Card authorisations', ownerTeam: 'payments-core' },
    { slug: 'settlements', name: 'Settlements', ownerTeam: 'payments-core' },
    { slug: 'fraud-signals', name: 'Fraud signals', ownerTeam: 'payments-risk' },
    { slug: 'chargebacks', name: 'Chargebacks', ownerTeam: 'payments-risk' },
    { slug: 'merchant-profiles', name: 'Merchant profiles', ownerTeam: 'merchant-platform' },
    { slug: 'refunds', name: 'Refunds', ownerTeam: 'payments-core' },
    { slug: 'payouts', name: 'Payouts', ownerTeam: 'merchant-platform' },
    { slug: 'fx-rates', name: 'FX rates', ownerTeam: 'payments-treasury' },
    { slug: 'payment-methods', name: 'Payment methods', ownerTeam: 'payments-core' },
    { slug: 'ledger-entries', name: 'Ledger entries', ownerTeam: 'payments-treasury' },
    { slug: 'invoices-monthly', name: 'Invoices (monthly)', ownerTeam: 'merchant-platform' },
  ],
  useCases: [
    'fraud-scoring',
    'settlement-reconciliation',
    'chargeback-prediction',
    'checkout-conversion',
    'merchant-churn',
    'payout-forecast',
    'fx-exposure-report',
    'refund-abuse-detection',
    'authorisation-rate-dashboard',
    'cash-flow-forecast',
  ],
};

const marketing: DomainCatalogue = {
  products: [
    { slug: 'campaign-performance', name: 'Campaign performance', ownerTeam: 'campaign-ops' },
    { slug: 'web-sessions', name: 'Web sessions', ownerTeam: 'web-tracking' },
    { slug: 'email-engagement', name: 'E-mail engagement', ownerTeam: 'campaign-ops' },
    { slug: 'audience-segments', name: 'Audience segments', ownerTeam: 'growth-analytics' },
    { slug: 'attribution-touchpoints', name: 'Attribution touchpoints', ownerTeam: 'growth-analytics' },
    { slug: 'ad-spend-daily', name: 'Ad spend (daily)', ownerTeam: 'campaign-ops' },
    { slug: 'social-mentions', name: 'Social mentions', ownerTeam: 'brand-insights' },
    { slug: 'lead-scores', name: 'Lead scores', ownerTeam: 'growth-analytics' },
    { slug: 'promo-redemptions', name: 'Promo redemptions', ownerTeam: 'campaign-ops' },
    { slug: 'newsletter-subscriptions', name: 'Newsletter subscriptions', ownerTeam: 'web-tracking' },
    { slug: 'brand-survey', name: 'Brand survey results', ownerTeam: 'brand-insights' },
    { slug: 'seo-rankings', name: 'SEO rankings', ownerTeam: 'web-tracking' },
  ],
  useCases: ['campaign-roi-dashboard', 'next-best-offer', 'churn-win-back', 'lead-routing'],
};

const logistics: DomainCatalogue = {
  products: [
    { slug: 'shipments', name: 'Shipments', ownerTeam: 'network-planning' },
    { slug: 'delivery-events', name: 'Delivery events', ownerTeam: 'fleet-data' },
    { slug: 'warehouse-stock-levels', name: 'Warehouse stock levels', ownerTeam: 'warehouse-systems' },
    { slug: 'carrier-rates', name: 'Carrier rates', ownerTeam: 'network-planning' },
    { slug: 'fleet-telemetry', name: 'Fleet telemetry', ownerTeam: 'fleet-data' },
    { slug: 'route-plans', name: 'Route plans', ownerTeam: 'network-planning' },
    { slug: 'returns', name: 'Returns', ownerTeam: 'warehouse-systems' },
    { slug: 'customs-declarations', name: 'Customs declarations', ownerTeam: 'network-planning' },
  ],
  useCases: [
    'network-optimisation',
    'dynamic-carrier-selection',
    'predictive-fleet-maintenance',
    'inventory-rebalancing',
    'customs-automation',
  ],
};

const hr: DomainCatalogue = {
  products: [
    { slug: 'headcount-monthly', name: 'Headcount (monthly)', ownerTeam: 'people-analytics' },
    { slug: 'org-structure', name: 'Org structure', ownerTeam: 'hr-systems' },
    { slug: 'recruiting-pipeline', name: 'Recruiting pipeline', ownerTeam: 'talent-acquisition' },
    { slug: 'absence-records', name: 'Absence records', ownerTeam: 'hr-systems' },
    { slug: 'learning-completions', name: 'Learning completions', ownerTeam: 'people-analytics' },
    { slug: 'engagement-survey', name: 'Engagement survey results', ownerTeam: 'people-analytics' },
    { slug: 'compensation-bands', name: 'Compensation bands', ownerTeam: 'hr-systems' },
    { slug: 'attrition-features', name: 'Attrition features', ownerTeam: 'people-analytics' },
  ],
  useCases: [
    'hiring-funnel-dashboard',
    'attrition-early-warning',
    'absence-forecast',
    'learning-recommendations',
    'workforce-planning',
  ],
};

/** Built-in catalogues for the default domains. */
export const DOMAIN_CATALOGUES: Readonly<Record<string, DomainCatalogue>> = {
  payments,
  marketing,
  logistics,
  hr,
};

/** A plain catalogue for a domain without a built-in one: `<domain>.dataset-01`, owner `<domain>-data`. */
export function genericCatalogue(domain: string): DomainCatalogue {
  const products = Array.from({ length: 8 }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return { slug: `dataset-${n}`, name: `${domain} dataset ${n}`, ownerTeam: `${domain}-data` };
  });
  return { products, useCases: ['reporting', 'forecast', 'automation', 'insights'] };
}

export function catalogueFor(domain: string): DomainCatalogue {
  return DOMAIN_CATALOGUES[domain] ?? genericCatalogue(domain);
}

/** Teams across the company that consume data products. */
export const CONSUMER_TEAMS: readonly string[] = [
  'finance-reporting',
  'fraud-analytics',
  'checkout-web',
  'growth-marketing',
  'crm-ops',
  'supply-planning',
  'customer-care',
  'pricing',
  'risk-management',
  'treasury',
  'warehouse-ops',
  'bi-platform',
  'data-science-lab',
  'exec-insights',
  'compliance',
  'product-analytics',
  'recruiting-ops',
  'sales-ops',
  'mobile-app',
  'partner-integrations',
  'controlling',
  'sustainability-reporting',
  'customer-insights',
  'ml-platform',
];

export const OFFBOARDING_REASONS: readonly string[] = [
  'use case decommissioned',
  'replaced by a vendor feed',
  'team reorganised',
  'no longer needed',
  'data did not meet freshness needs',
  '',
];

export const RETIREMENT_REASONS: readonly string[] = [
  'source system decommissioned',
  'no remaining consumers',
  'contract not renewed with the upstream vendor',
];
