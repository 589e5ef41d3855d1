import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

// The console's server code imports the repository's own TypeScript (schemas/, modules/, policies/) by
// relative path, so the bundler and the output tracer both start at the repository root.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  turbopack: {
    root: repoRoot,
    // The console reads and writes the repository it runs from (MR_REPO_ROOT) at run time: a checkout, never
    // a traced standalone bundle, so the tracer's warning that such paths pull in the whole project is moot.
    ignoreIssue: ['console/server/**', 'modules/**', 'schemas/**', 'policies/**'].map((glob) => ({ path: `**/${glob}`, title: /Dynamic filesystem access/ })),
  },
  outputFileTracingRoot: repoRoot,
  // Node-only packages the loader, synth and policy engine load at run time: esbuild spawns its native
  // binary, the policy engine instantiates a wasm bundle, and the construct libraries are large CommonJS
  // trees that gain nothing from bundling. They stay plain `require`s on the server. @cdktn/provider-aws is
  // the exception: it has no `exports` map, so Node's ESM loader cannot resolve the deep `lib/<resource>`
  // directories synth imports; the bundler takes just those.
  serverExternalPackages: [
    'esbuild',
    'typescript',
    'cdktn',
    'cdk8s',
    'constructs',
    'kubernetes-models',
    '@kubernetes-models/argo-cd',
    '@kubernetes-models/argo-rollouts',
    '@kubernetes-models/kyverno',
    '@kubernetes-models/prometheus-operator',
    '@open-policy-agent/opa-wasm',
    'yaml',
    'ajv',
    'ajv-formats',
    '@octokit/rest',
    '@octokit/plugin-retry',
    '@octokit/plugin-throttling',
    'openid-client',
  ],
  // Content-Security-Policy is set per request by proxy.ts (it carries a nonce); these hold for every response.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'no-referrer' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
        ],
      },
    ];
  },
};

export default nextConfig;
