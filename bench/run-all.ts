/** `npm run bench`: every benchmark in turn, each printing its own figures. */
for (const bench of ['./startup-bench.js', './http-bench.js', './chat-bench.js']) {
  process.stdout.write(`\n# ${bench.replace('./', '').replace('.js', '')}\n`);
  await import(bench);
}
