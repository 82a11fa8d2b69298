// Stops a Node older than package.json's `engines.node` at once, with one line that says what to do.
// npm loads this file into every Node process of an npm script: `.npmrc` sets `node-options` to import it
// as a data: URL (a script's processes may run in any folder, so no path would do). After changing this
// file, put its new base64 into `.npmrc` (scripts/node-guard.test.ts prints the line).
// It must still parse on old Nodes: plain syntax only.

/** `>=22.12.0` and the like (what package.json says); anything else is not checked. */
function minimumOf(range) {
  const match = /^\s*>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range || '');
  return match ? [Number(match[1]), Number(match[2] || 0), Number(match[3] || 0)] : null;
}

function olderThan(version, minimum) {
  const parts = version.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) if (parts[i] !== minimum[i]) return parts[i] < minimum[i];
  return false;
}

// npm puts the package's engines into the environment of its scripts; Electron's Node is Electron's business.
const range = process.env.npm_package_engines_node;
const minimum = minimumOf(range);
if (minimum && !process.versions.electron && olderThan(process.versions.node, minimum)) {
  process.stderr.write(
    `Node ${process.version} is too old for this project (it needs ${range.trim()}): run \`source scripts/setup.sh\` ` +
      `in this shell first (it puts Node ${minimum[0]} first on PATH), or switch with your version manager ` +
      `(nvm install ${minimum[0]}).\n`,
  );
  process.exit(1);
}
