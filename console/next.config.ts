import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

// The console's server code imports the repository's own TypeScript (schemas/, modules/, policies/) by
// relative path, so the bundler and the output tracer both start at the repository root.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  // Node-only packages the loader, synth and policy engine load at run time: esbuild spawns its native
  // binary, the policy engine instantiates a wasm bundle, and the construct libraries are large CommonJS
  // trees that gain nothing from bundling. They stay plain `require`s on the server.
  serverExternalPackages: [
    'esbuild',
    'typescript',
    'cdktn',
    '@cdktn/provider-aws',
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
