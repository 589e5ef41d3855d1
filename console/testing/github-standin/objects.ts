/**
 * GitHub's JSON representations, built the way api.github.com builds them (URL fields included), from the
 * stand-in's state. The stand-in validates every one of them against the OpenAPI slice before sending it.
 */

export interface Site {
  /** The REST API root, e.g. `http://127.0.0.1:4321/api/v3` (GitHub Enterprise Server's layout). */
  api: string;
  /** The web root, e.g. `http://127.0.0.1:4321`. */
  web: string;
}

export interface Account {
  login: string;
  id: number;
  type: 'User' | 'Bot' | 'Organization';
}

export interface RepositoryInfo {
  id: number;
  owner: Account;
  name: string;
  defaultBranch: string;
  createdAt: string;
  pushedAt: string;
}

export interface TeamInfo {
  id: number;
  slug: string;
  name: string;
  organization: Account;
}

export interface LabelInfo {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

type Json = Record<string, unknown>;

/** GitHub's legacy global node IDs: base64 of `<length of type>:<type><id>`. */
export function nodeId(type: string, id: number | string): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64');
}

const segments = (value: string) => value.split('/').map(encodeURIComponent).join('/');

export function account(site: Site, user: Account): Json {
  const api = `${site.api}/users/${encodeURIComponent(user.login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type === 'Organization' ? 'Organization' : user.type, user.id),
    avatar_url: `${site.web}/avatars/u/${user.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${site.web}/${encodeURIComponent(user.login)}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export function repositoryUrl(site: Site, repository: RepositoryInfo): string {
  return `${site.api}/repos/${repository.owner.login}/${repository.name}`;
}

export function htmlUrl(site: Site, repository: RepositoryInfo): string {
  return `${site.web}/${repository.owner.login}/${repository.name}`;
}

/** The full repository (GET /repos/{owner}/{repo}); pull requests and statuses embed the same object. */
export function repository(site: Site, repository: RepositoryInfo, counts: { openIssues: number }): Json {
  const url = repositoryUrl(site, repository);
  const html = htmlUrl(site, repository);
  const host = new URL(site.web).host;
  return {
    id: repository.id,
    node_id: nodeId('Repository', repository.id),
    name: repository.name,
    full_name: `${repository.owner.login}/${repository.name}`,
    private: true,
    owner: account(site, repository.owner),
    html_url: html,
    description: null,
    fork: false,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_url: `git://${host}/${repository.owner.login}/${repository.name}.git`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    ssh_url: `git@${host}:${repository.owner.login}/${repository.name}.git`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    hooks_url: `${url}/hooks`,
    svn_url: html,
    homepage: null,
    language: 'TypeScript',
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repository.defaultBranch,
    open_issues_count: counts.openIssues,
    open_issues: counts.openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: 'private',
    pushed_at: repository.pushedAt,
    created_at: repository.createdAt,
    updated_at: repository.pushedAt,
    allow_rebase_merge: true,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    license: null,
    network_count: 0,
    subscribers_count: 0,
  };
}

export function team(site: Site, team: TeamInfo): Json {
  const url = `${site.api}/organizations/${team.organization.id}/team/${team.id}`;
  return {
    id: team.id,
    node_id: nodeId('Team', team.id),
    url,
    html_url: `${site.web}/orgs/${team.organization.login}/teams/${team.slug}`,
    name: team.name,
    slug: team.slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    type: 'organization',
    organization_id: team.organization.id,
    parent: null,
  };
}

export function label(site: Site, repo: RepositoryInfo, label: LabelInfo): Json {
  return {
    id: label.id,
    node_id: nodeId('Label', label.id),
    url: `${repositoryUrl(site, repo)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: label.default,
    description: label.description,
  };
}

export interface CommentInfo {
  id: number;
  /** The pull request (an issue to the REST API) the comment is on. */
  issueNumber: number;
  body: string;
  user: Account;
  authorAssociation: 'COLLABORATOR' | 'NONE' | 'OWNER';
  createdAt: string;
  updatedAt: string;
}

export function issueComment(site: Site, repo: RepositoryInfo, comment: CommentInfo): Json {
  const url = repositoryUrl(site, repo);
  return {
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    url: `${url}/issues/comments/${comment.id}`,
    body: comment.body,
    html_url: `${htmlUrl(site, repo)}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    user: account(site, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: `${url}/issues/${comment.issueNumber}`,
    author_association: comment.authorAssociation,
    performed_via_github_app: null,
  };
}

export function gitRef(site: Site, repo: RepositoryInfo, ref: string, sha: string): Json {
  const url = repositoryUrl(site, repo);
  return {
    ref,
    node_id: nodeId('Ref', `${repo.id}:${ref}`),
    url: `${url}/git/${segments(ref)}`,
    object: { sha, type: 'commit', url: `${url}/git/commits/${sha}` },
  };
}

export function gitCommit(
  site: Site,
  repo: RepositoryInfo,
  commit: { sha: string; tree: string; parents: string[]; message: string; author: GitIdentity; committer: GitIdentity },
): Json {
  const url = repositoryUrl(site, repo);
  return {
    sha: commit.sha,
    node_id: nodeId('Commit', `${repo.id}:${commit.sha}`),
    url: `${url}/git/commits/${commit.sha}`,
    html_url: `${htmlUrl(site, repo)}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.committer,
    tree: { sha: commit.tree, url: `${url}/git/trees/${commit.tree}` },
    message: commit.message,
    parents: commit.parents.map((sha) => ({ sha, url: `${url}/git/commits/${sha}`, html_url: `${htmlUrl(site, repo)}/commit/${sha}` })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

export interface GitIdentity {
  name: string;
  email: string;
  date: string;
}

export function gitTree(site: Site, repo: RepositoryInfo, sha: string, entries: Array<{ path: string; mode: string; type: string; sha: string; size?: number }>): Json {
  const url = repositoryUrl(site, repo);
  return {
    sha,
    url: `${url}/git/trees/${sha}`,
    tree: entries.map((entry) => ({
      path: entry.path,
      mode: entry.mode,
      type: entry.type,
      sha: entry.sha,
      ...(entry.size === undefined ? {} : { size: entry.size }),
      url: `${url}/git/${entry.type === 'tree' ? 'trees' : 'blobs'}/${entry.sha}`,
    })),
    truncated: false,
  };
}

export function shortBlob(site: Site, repo: RepositoryInfo, sha: string): Json {
  return { sha, url: `${repositoryUrl(site, repo)}/git/blobs/${sha}` };
}

export interface PullRequestInfo {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  author: Account;
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
  labels: LabelInfo[];
  requestedUsers: Account[];
  requestedTeams: TeamInfo[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  mergedBy: Account | null;
}

/** `pull-request-simple`, as the list endpoints return it. */
export function pullRequestSimple(site: Site, repo: RepositoryInfo, pull: PullRequestInfo, repositoryJson: Json): Json {
  const url = `${repositoryUrl(site, repo)}/pulls/${pull.number}`;
  const issue = `${repositoryUrl(site, repo)}/issues/${pull.number}`;
  const html = `${htmlUrl(site, repo)}/pull/${pull.number}`;
  const statuses = `${repositoryUrl(site, repo)}/statuses/${pull.head.sha}`;
  const side = (which: { ref: string; sha: string }) => ({
    label: `${repo.owner.login}:${which.ref}`,
    ref: which.ref,
    sha: which.sha,
    user: account(site, repo.owner),
    repo: repositoryJson,
  });
  return {
    url,
    id: pull.id,
    node_id: nodeId('PullRequest', pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${repositoryUrl(site, repo)}/pulls/comments{/number}`,
    comments_url: `${issue}/comments`,
    statuses_url: statuses,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: account(site, pull.author),
    body: pull.body,
    // pull-request-simple types an embedded label's description as a plain string.
    labels: pull.labels.map((entry) => label(site, repo, { ...entry, description: entry.description ?? '' })),
    milestone: null,
    active_lock_reason: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: pull.requestedUsers.map((user) => account(site, user)),
    requested_teams: pull.requestedTeams.map((entry) => team(site, entry)),
    head: side(pull.head),
    base: side(pull.base),
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: issue },
      comments: { href: `${issue}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${repositoryUrl(site, repo)}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: statuses },
    },
    author_association: 'CONTRIBUTOR',
    auto_merge: null,
    draft: pull.draft,
  };
}

/** The full `pull-request`, as GET, POST and PATCH return it. */
export function pullRequest(
  site: Site,
  repo: RepositoryInfo,
  pull: PullRequestInfo,
  repositoryJson: Json,
  diff: { commits: number; additions: number; deletions: number; changedFiles: number },
): Json {
  const merged = pull.mergedAt !== null;
  return {
    ...pullRequestSimple(site, repo, pull, repositoryJson),
    merged,
    mergeable: pull.state === 'open' ? true : null,
    rebaseable: pull.state === 'open' ? true : null,
    mergeable_state: pull.state === 'open' ? 'clean' : 'unknown',
    merged_by: pull.mergedBy ? account(site, pull.mergedBy) : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: diff.commits,
    additions: diff.additions,
    deletions: diff.deletions,
    changed_files: diff.changedFiles,
  };
}

export interface ReviewInfo {
  id: number;
  user: Account;
  body: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  commitId: string;
  submittedAt: string;
}

export function review(site: Site, repo: RepositoryInfo, number: number, entry: ReviewInfo): Json {
  const html = `${htmlUrl(site, repo)}/pull/${number}#pullrequestreview-${entry.id}`;
  const pullUrl = `${repositoryUrl(site, repo)}/pulls/${number}`;
  return {
    id: entry.id,
    node_id: nodeId('PullRequestReview', entry.id),
    user: account(site, entry.user),
    body: entry.body,
    state: entry.state,
    html_url: html,
    pull_request_url: pullUrl,
    author_association: 'COLLABORATOR',
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    submitted_at: entry.submittedAt,
    commit_id: entry.commitId,
  };
}

export interface StatusInfo {
  id: number;
  sha: string;
  context: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  description: string | null;
  targetUrl: string | null;
  creator: Account;
  createdAt: string;
}

export function commitStatus(site: Site, repo: RepositoryInfo, status: StatusInfo): Json {
  return {
    url: `${repositoryUrl(site, repo)}/statuses/${status.sha}`,
    avatar_url: `${site.web}/avatars/u/${status.creator.id}?v=4`,
    id: status.id,
    node_id: nodeId('StatusContext', status.id),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.createdAt,
  };
}

export interface CheckRunInfo {
  id: number;
  sha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | null;
  detailsUrl: string | null;
  startedAt: string;
  completedAt: string | null;
  suiteId: number;
}

/** The app GitHub attributes Actions check runs to. */
const ACTIONS_APP = { id: 15368, slug: 'github-actions', name: 'GitHub Actions', owner: { login: 'github', id: 9919, type: 'Organization' as const } };

export function checkRun(site: Site, repo: RepositoryInfo, run: CheckRunInfo, pulls: Array<{ id: number; number: number; head: { ref: string; sha: string }; base: { ref: string; sha: string } }>): Json {
  const url = `${repositoryUrl(site, repo)}/check-runs/${run.id}`;
  const repoRef = { id: repo.id, url: repositoryUrl(site, repo), name: repo.name };
  return {
    id: run.id,
    head_sha: run.sha,
    node_id: nodeId('CheckRun', run.id),
    external_id: '',
    url,
    html_url: `${htmlUrl(site, repo)}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: `${url}/annotations` },
    name: run.name,
    check_suite: { id: run.suiteId },
    app: {
      id: ACTIONS_APP.id,
      slug: ACTIONS_APP.slug,
      node_id: nodeId('App', ACTIONS_APP.id),
      owner: account(site, ACTIONS_APP.owner),
      name: ACTIONS_APP.name,
      description: 'Automate your workflow from idea to production',
      external_url: 'https://help.github.com/en/actions',
      html_url: `${site.web}/apps/${ACTIONS_APP.slug}`,
      created_at: '2018-07-30T09:30:17Z',
      updated_at: '2019-12-10T19:04:12Z',
      permissions: { checks: 'write', contents: 'write', metadata: 'read', pull_requests: 'write', statuses: 'write' },
      events: ['check_run', 'pull_request', 'push'],
    },
    pull_requests: pulls.map((pull) => ({
      id: pull.id,
      number: pull.number,
      url: `${repositoryUrl(site, repo)}/pulls/${pull.number}`,
      head: { ref: pull.head.ref, sha: pull.head.sha, repo: repoRef },
      base: { ref: pull.base.ref, sha: pull.base.sha, repo: repoRef },
    })),
  };
}

export function diffEntry(
  site: Site,
  repo: RepositoryInfo,
  headSha: string,
  file: { path: string; status: string; sha: string | null; additions: number; deletions: number; patch?: string },
): Json {
  return {
    sha: file.sha,
    filename: file.path,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.additions + file.deletions,
    blob_url: `${htmlUrl(site, repo)}/blob/${headSha}/${segments(file.path)}`,
    raw_url: `${htmlUrl(site, repo)}/raw/${headSha}/${segments(file.path)}`,
    contents_url: `${repositoryUrl(site, repo)}/contents/${segments(file.path)}?ref=${headSha}`,
    ...(file.patch === undefined ? {} : { patch: file.patch }),
  };
}
