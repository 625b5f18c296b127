<?php
// Zari from PHP through FFI (php-cli 8.2): ask the sample pack in ka, az and en.
//   ZARI_LIBRARY=build/lib/libzari.so php examples/php/hello.php intents/telecom
$zari = FFI::cdef('
  typedef struct zari_engine zari_engine; typedef struct zari_session zari_session;
  typedef struct zari_reply zari_reply;   typedef struct zari_options zari_options;
  int zari_engine_load(zari_engine **out, const char *pack_path, const zari_options *opts);
  void zari_engine_destroy(zari_engine *engine);
  int zari_session_create(zari_session **out, zari_engine *engine, const char *id, const char *channel);
  void zari_session_destroy(zari_session *session);
  int zari_session_respond(zari_reply **out, zari_session *session, const char *text, size_t len);
  const char *zari_reply_text(const zari_reply *reply);
  const char *zari_reply_intent(const zari_reply *reply);
  void zari_reply_destroy(zari_reply *reply);
  const char *zari_last_error(void);', getenv('ZARI_LIBRARY') ?: 'libzari.so');

$engine = $zari->new('zari_engine*');
if ($zari->zari_engine_load(FFI::addr($engine), $argv[1] ?? 'intents/telecom', null) != 0) {
  fwrite(STDERR, $zari->zari_last_error() . "\n");
  exit(1);
}
$session = $zari->new('zari_session*');
$zari->zari_session_create(FFI::addr($session), $engine, 'php-visitor', 'web');
foreach (['როგორ შევამოწმო ბალანსი?', 'balansimi nece yoxlaya bilerem', 'How do I check my balance?'] as $q) {
  $reply = $zari->new('zari_reply*');
  $zari->zari_session_respond(FFI::addr($reply), $session, $q, strlen($q));
  printf("%s\n  -> [%s] %s\n", $q, $zari->zari_reply_intent($reply), $zari->zari_reply_text($reply));
  $zari->zari_reply_destroy($reply);
}
$zari->zari_session_destroy($session);
$zari->zari_engine_destroy($engine);
