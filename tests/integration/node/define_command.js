// ioredis defineCommand against a server given as argv[2] (port): the custom command runs as
// EVALSHA, falling back to EVAL on NOSCRIPT, as ioredis does with every defined command.
const Redis = require("ioredis");

async function main() {
  const port = Number(process.argv[2]);
  const redis = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  redis.defineCommand("incrAndGet", {
    numberOfKeys: 2,
    lua: "redis.call('incrby', KEYS[1], ARGV[1]); redis.call('set', KEYS[2], ARGV[2]); " +
         "return {redis.call('get', KEYS[1]), redis.call('get', KEYS[2])}",
  });
  const first = await redis.incrAndGet("counter", "label", 5, "first");
  await redis.script("FLUSH");
  const second = await redis.incrAndGet("counter", "label", 2, "second");
  const pipelined = await redis.pipeline().incrAndGet("counter", "label", 1, "third").exec();
  console.log(JSON.stringify({ first, second, pipelined: pipelined[0][1] }));
  redis.disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
