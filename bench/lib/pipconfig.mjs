// Reads the index settings out of `pip config list` output (pure).

/** `pip config list` prints lines like  global.extra-index-url='file:///a file:///b'. */
export function parsePipConfigList(text) {
  const values = new Map();
  for (const line of text.split('\n')) {
    const m = /^([^=\s]+)=(['"])(.*)\2\s*$/.exec(line.trim()) ?? /^([^=\s]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    const key = m[1];
    const value = m.length === 4 ? m[3] : m[2];
    const name = key.slice(key.lastIndexOf('.') + 1);
    const section = key.slice(0, key.lastIndexOf('.'));
    // install-specific settings win over global ones, as in pip.
    if (section === ':env:' || section === 'global' || section === 'install') {
      const prev = values.get(name);
      if (!prev || rank(section) >= prev.rank) values.set(name, { value, rank: rank(section) });
    }
  }
  const get = (n) => values.get(n)?.value;
  const split = (v) => (v ? v.split(/\s+/).filter(Boolean) : []);
  return { indexUrl: get('index-url') ?? null, extraIndexUrls: split(get('extra-index-url')), findLinks: split(get('find-links')) };
}

function rank(section) {
  return section === ':env:' ? 3 : section === 'install' ? 2 : 1;
}

/**
 * The index both tools are pointed at with `-i`: pip's configured index-url, or else its first
 * extra index (the default index, pypi.org, is not reachable from the machines this suite targets,
 * and pip would spend seconds retrying it). Null when pip is configured with neither.
 */
export function benchIndexUrl(config, env = {}) {
  if (env.PIP_INDEX_URL) return env.PIP_INDEX_URL;
  if (config.indexUrl) return config.indexUrl;
  return config.extraIndexUrls[0] ?? null;
}
