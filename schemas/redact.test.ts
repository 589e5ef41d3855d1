import { describe, expect, it } from 'vitest';
import { redactUrl, redactUrls } from './redact';

describe('URLs as they are shown', () => {
  it('masks the user and password of a URL, keeping scheme, host, port and path', () => {
    expect(redactUrl('https://console:s3cr%40t@prometheus.us-east-1.example:9090/prom')).toBe('https://***@prometheus.us-east-1.example:9090/prom');
    expect(redactUrl('http://token-only@127.0.0.1:9090')).toBe('http://***@127.0.0.1:9090');
    // An unescaped @ in the password still ends the userinfo at the last @ before the path.
    expect(redactUrl('https://ops:p@ss@host.example/')).toBe('https://***@host.example/');
  });

  it('masks query values named like credentials and keeps the others', () => {
    expect(redactUrl('https://prom.example/api/v1/query?query=up&access_token=abc&X-Amz-Signature=f00&apikey=k&step=60')).toBe(
      'https://prom.example/api/v1/query?query=up&access_token=***&X-Amz-Signature=***&apikey=***&step=60',
    );
  });

  it('leaves a URL without credentials as it is', () => {
    for (const url of ['http://127.0.0.1:9090', 'https://prometheus.example/api/v1/query?query=rate(x[5m])&time=1.000', 'https://host.example/@team/page']) expect(redactUrl(url)).toBe(url);
  });

  it('redacts every URL inside a message and nothing else', () => {
    expect(redactUrls('Prometheus at http://u:p@10.0.0.1:9090 is unreachable (fetch http://u:p@10.0.0.1:9090/api/v1/query?token=t failed); ask ops@example.com')).toBe(
      'Prometheus at http://***@10.0.0.1:9090 is unreachable (fetch http://***@10.0.0.1:9090/api/v1/query?token=*** failed); ask ops@example.com',
    );
    expect(redactUrls("git fetch https://x-access-token:ghs_abc@github.example/org/repo.git failed: fatal: repository 'https://x-access-token:ghs_abc@github.example/org/repo.git/' not found")).toBe(
      "git fetch https://***@github.example/org/repo.git failed: fatal: repository 'https://***@github.example/org/repo.git/' not found",
    );
  });
});
