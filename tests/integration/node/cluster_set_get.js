// ioredis's Cluster client against a kvcache cluster: discover the slots from one seed node, SET
// and GET `count` keys (each routed by ioredis to its owner), report what it read back as JSON.
// Usage: node cluster_set_get.js <port> <count>
const Redis = require("ioredis");

async function main() {
  const [port, count] = [Number(process.argv[2]), Number(process.argv[3])];
  const cluster = new Redis.Cluster([{ host: "127.0.0.1", port }], {
    redisOptions: { connectTimeout: 5000 },
    clusterRetryStrategy: () => null,
  });
  let ok = 0;
  for (let i = 0; i < count; i++) {
    await cluster.set(`ioredis:${i}`, `v${i}`);
  }
  for (let i = 0; i < count; i++) {
    if ((await cluster.get(`ioredis:${i}`)) === `v${i}`) ok++;
  }
  const nodes = cluster.nodes("master").length;
  await cluster.quit();
  process.stdout.write(JSON.stringify({ ok, nodes }));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e));
  process.exit(1);
});
