/* Zari from C: one conversation in Georgian, Azerbaijani and English.
 * Build: cc hello.c $(pkg-config --cflags --libs zari)   Run: ./a.out intents/telecom */
#include <stdio.h>
#include <string.h>
#include <zari/zari.h>

int main(int argc, char **argv) {
  const char *questions[] = {"როგორ შევამოწმო ბალანსი?", "Balansımı necə yoxlaya bilərəm?",
                             "How do I check my balance?"};
  zari_engine *engine = NULL;
  zari_session *chat = NULL;
  size_t i;
  if (zari_engine_load(&engine, argc > 1 ? argv[1] : "intents/telecom", NULL) != ZARI_OK ||
      zari_session_create(&chat, engine, "hello", "web") != ZARI_OK) {
    fprintf(stderr, "zari: %s\n", zari_last_error());
    zari_engine_destroy(engine);
    return 1;
  }
  for (i = 0; i < sizeof questions / sizeof *questions; i++) {
    zari_reply *r = NULL;
    if (zari_session_respond(&r, chat, questions[i], strlen(questions[i])) != ZARI_OK) break;
    printf("[%s] %s -> %s\n    %s\n", zari_reply_language(r), questions[i],
           zari_reply_intent(r) ? zari_reply_intent(r) : "(none)", zari_reply_text(r));
    zari_reply_destroy(r);
  }
  zari_session_destroy(chat);
  zari_engine_destroy(engine);
  return i == sizeof questions / sizeof *questions ? 0 : 1;
}
