/* The C API from plain C99, using only zari.h (as LevelDB's c_test.c does).
 * Usage: zari_c_api_test SOURCE_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zari/zari.h"

static int failures = 0;

#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                     \
    }                                                                 \
  } while (0)

#define CHECK_STR(a, b) CHECK((a) != NULL && strcmp((a), (b)) == 0)

static char pack[4096];
static char tmpdir[4096];

/* A Wednesday, 11:00 in Tbilisi (UTC+4): operators online. */
static int64_t clock_open(void* user_data) {
  (void)user_data;
  return 1795590000; /* 2026-11-25T07:00:00Z */
}
/* Saturday 23:30 in Tbilisi: offline. */
static int64_t clock_closed(void* user_data) {
  (void)user_data;
  return 1795894200; /* 2026-11-28T19:30:00Z */
}

struct handoff_log {
  int calls;
  char reason[32];
  char intent[64];
  char language[8];
  char session[64];
  int transcript_ok;
  int json_ok;
};

static void on_handoff(const zari_handoff* h, void* user_data) {
  struct handoff_log* log = (struct handoff_log*)user_data;
  const char* intent = zari_handoff_intent(h);
  char* json = NULL;
  log->calls++;
  strncpy(log->reason, zari_handoff_reason(h), sizeof log->reason - 1);
  strncpy(log->intent, intent ? intent : "(null)", sizeof log->intent - 1);
  strncpy(log->language, zari_handoff_language(h), sizeof log->language - 1);
  strncpy(log->session, zari_handoff_session(h), sizeof log->session - 1);
  log->transcript_ok = zari_handoff_transcript_json(h)[0] == '[' &&
                       strstr(zari_handoff_transcript_json(h), "\"role\":\"user\"") != NULL;
  if (zari_handoff_to_json(&json, h) == ZARI_OK) {
    log->json_ok = strstr(json, "\"reason\":") != NULL && strstr(json, "\"transcript\":[") != NULL;
    zari_string_free(json);
  }
}

/* A callback that re-enters the API: classify on the engine, a turn on
 * another session and an export of the triggering session (all allowed). */
struct reentrant {
  zari_engine* engine;
  zari_session* other;
  int calls;
  int ok;
};

static void on_handoff_reentrant(const zari_handoff* h, void* user_data) {
  struct reentrant* r = (struct reentrant*)user_data;
  zari_reply* reply = NULL;
  const char* q = "How do I check my balance?";
  (void)h;
  r->calls++;
  if (zari_engine_classify(&reply, r->engine, q, strlen(q), NULL) == ZARI_OK &&
      strcmp(zari_reply_intent(reply), "balance") == 0) {
    r->ok++;
  }
  zari_reply_destroy(reply);
  if (r->other && zari_session_respond(&reply, r->other, q, strlen(q)) == ZARI_OK) {
    r->ok++;
    zari_reply_destroy(reply);
  }
}

static zari_reply* respond(zari_session* s, const char* text) {
  zari_reply* r = NULL;
  int rc = zari_session_respond(&r, s, text, strlen(text));
  CHECK(rc == ZARI_OK);
  CHECK(r != NULL);
  return r;
}

static void write_file(const char* path, const char* content) {
  FILE* f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(2);
  }
  fputs(content, f);
  fclose(f);
}

static void test_version_and_status(void) {
  CHECK(zari_version_number() == ZARI_VERSION_NUMBER);
  CHECK_STR(zari_version_string(), ZARI_VERSION_STRING);
  CHECK_STR(zari_status_str(ZARI_OK), "ok");
  CHECK_STR(zari_status_str(ZARI_EPACK), "pack invalid");
  CHECK(zari_status_str(12345) != NULL);
  CHECK(zari_last_error() != NULL);
}

static void test_errors(void) {
  zari_engine* e = (zari_engine*)1;
  char path[4200];
  /* Missing pack: ENOTFOUND naming the path. */
  CHECK(zari_engine_load(&e, "/nonexistent/zari-pack", NULL) == ZARI_ENOTFOUND);
  CHECK(e == NULL);
  CHECK(strstr(zari_last_error(), "/nonexistent/zari-pack") != NULL);
  /* Broken YAML: EPACK with file:line. */
  snprintf(path, sizeof path, "%s/broken.yaml", tmpdir);
  write_file(path, "zari: 1\nname: x\nlanguages: [en\nintents: []\n");
  CHECK(zari_engine_load(&e, path, NULL) == ZARI_EPACK);
  CHECK(strstr(zari_last_error(), "broken.yaml:") != NULL);
  /* Unknown key: EPACK naming file:line:col and the key. */
  snprintf(path, sizeof path, "%s/typo.yaml", tmpdir);
  write_file(path, "zari: 1\nname: x\nlanguages: [en]\nintents:\n  - id: hi\n    anwser: {en: Hello}\n");
  CHECK(zari_engine_load(&e, path, NULL) == ZARI_EPACK);
  CHECK(strstr(zari_last_error(), "typo.yaml:6:5: unknown key 'anwser'") != NULL);
  /* Limits: a pack over one fails with ZARI_ELIMIT and says which. */
  {
    zari_options* small = zari_options_create();
    CHECK(zari_options_set_limit(small, ZARI_LIMIT_PACK_FILE_BYTES, 100) == ZARI_OK);
    CHECK(zari_options_set_limit(small, 999, 1) == ZARI_EINVAL);
    CHECK(zari_options_set_limit(small, ZARI_LIMIT_INTENTS, 0) == ZARI_EINVAL);
    CHECK(zari_engine_load(&e, pack, small) == ZARI_ELIMIT);
    CHECK(strstr(zari_last_error(), "the limit is 100") != NULL);
    zari_options_destroy(small);
  }
  /* NULL arguments never crash. */
  CHECK(zari_engine_load(NULL, pack, NULL) == ZARI_EINVAL);
  CHECK(zari_engine_load(&e, NULL, NULL) == ZARI_EINVAL);
  CHECK(zari_engine_classify(NULL, NULL, "x", 1, NULL) == ZARI_EINVAL);
  CHECK(zari_session_create(NULL, NULL, NULL, NULL) == ZARI_EINVAL);
  CHECK(zari_session_respond(NULL, NULL, NULL, 0) == ZARI_EINVAL);
  CHECK(zari_reply_action(NULL) == ZARI_EINVAL);
  CHECK(zari_reply_text(NULL) != NULL);
  CHECK(zari_reply_intent(NULL) == NULL);
  CHECK(zari_options_set_log_db(NULL, "x") == ZARI_EINVAL);
  CHECK(zari_engine_reload(NULL, NULL) == ZARI_EINVAL);
  CHECK(zari_session_import(NULL, NULL, NULL) == ZARI_EINVAL);
  zari_engine_destroy(NULL);
  zari_session_destroy(NULL);
  zari_reply_destroy(NULL);
  zari_options_destroy(NULL);
  zari_string_free(NULL);
}

static void test_classify(zari_engine* e) {
  zari_reply* r = NULL;
  char* json = NULL;
  const char* ka = "როგორ შევამოწმო ბალანსი?";
  const char* junk = "\xff\xfe\x00 invalid \xc3";
  CHECK(zari_engine_classify(&r, e, ka, strlen(ka), NULL) == ZARI_OK);
  CHECK(zari_reply_action(r) == ZARI_ACTION_ANSWER);
  CHECK_STR(zari_reply_action_str(r), "answer");
  CHECK_STR(zari_reply_intent(r), "balance");
  CHECK_STR(zari_reply_language(r), "ka");
  CHECK_STR(zari_reply_route(r), "billing");
  CHECK(zari_reply_confidence(r) == 1.0);
  CHECK(strstr(zari_reply_text(r), "*100#") != NULL);
  CHECK(zari_reply_to_json(&json, r) == ZARI_OK);
  CHECK(json && strstr(json, "\"intent\":\"balance\"") && strstr(json, "\"candidates\":[{"));
  CHECK(json && strstr(json, "\"suggestions\":[{\"intent\":\"top_up\",\"title\":\""));
  zari_string_free(json);
  /* The answer's follow-ups (suggest: [top_up, package_balance]), titled in Georgian. */
  CHECK(zari_reply_suggestion_count(r) == 2);
  CHECK_STR(zari_reply_suggestion_intent(r, 0), "top_up");
  CHECK_STR(zari_reply_suggestion_intent(r, 1), "package_balance");
  CHECK_STR(zari_reply_suggestion_title(r, 0), "ბალანსის შევსება");
  CHECK(zari_reply_suggestion_intent(r, 2) == NULL);
  CHECK(zari_reply_suggestion_title(r, 2) == NULL);
  CHECK(zari_reply_suggestion_count(NULL) == 0);
  CHECK(zari_reply_suggestion_intent(NULL, 0) == NULL);
  zari_reply_destroy(r);

  /* Unrelated text: fallback, no intent, no route, no suggestions. */
  CHECK(zari_engine_classify(&r, e, "what is the capital of peru", 27, "en") == ZARI_OK);
  CHECK(zari_reply_action(r) == ZARI_ACTION_FALLBACK);
  CHECK(zari_reply_intent(r) == NULL);
  CHECK(zari_reply_route(r) == NULL);
  CHECK(zari_reply_suggestion_count(r) == 0);
  zari_reply_destroy(r);

  /* Any bytes get a reply; a bad language code is an error. */
  CHECK(zari_engine_classify(&r, e, junk, 14, NULL) == ZARI_OK);
  zari_reply_destroy(r);
  CHECK(zari_engine_classify(&r, e, "", 0, NULL) == ZARI_OK);
  zari_reply_destroy(r);
  CHECK(zari_engine_classify(&r, e, "hi", 2, "xx") == ZARI_EINVAL);
  CHECK(r == NULL);
  CHECK(strstr(zari_last_error(), "xx") != NULL);
}

static void test_session(zari_engine* e, struct handoff_log* log) {
  zari_session* s = NULL;
  zari_session* s2 = NULL;
  zari_reply* r;
  char* state = NULL;
  CHECK(zari_session_create(&s, e, "visitor-42", "web") == ZARI_OK);
  CHECK_STR(zari_session_id(s), "visitor-42");
  CHECK_STR(zari_session_channel(s), "web");

  r = respond(s, "balansimi nece yoxlaya bilerem");
  CHECK_STR(zari_reply_intent(r), "balance");
  CHECK_STR(zari_reply_language(r), "az");
  zari_reply_destroy(r);

  /* Two misses in a row → handoff with reason "misses". */
  r = respond(s, "asdf qwerty zxcv");
  CHECK(zari_reply_action(r) == ZARI_ACTION_FALLBACK);
  zari_reply_destroy(r);
  CHECK(zari_session_export(&state, s) == ZARI_OK);
  CHECK(state && strstr(state, "\"misses\":1"));
  CHECK(zari_session_import(&s2, e, state) == ZARI_OK);
  zari_string_free(state);
  CHECK_STR(zari_session_id(s2), "visitor-42");
  zari_session_destroy(s);
  r = respond(s2, "qwerty asdf zxcv");
  CHECK(zari_reply_action(r) == ZARI_ACTION_HANDOFF);
  zari_reply_destroy(r);
  CHECK(log->calls == 1);
  CHECK_STR(log->reason, "misses");
  CHECK_STR(log->session, "visitor-42");
  CHECK(log->transcript_ok);
  CHECK(log->json_ok);

  /* Asking for a person in Georgian → handoff "requested", intent operator. */
  r = respond(s2, "ოპერატორთან დამაკავშირეთ");
  CHECK(zari_reply_action(r) == ZARI_ACTION_HANDOFF);
  CHECK_STR(zari_reply_language(r), "ka");
  zari_reply_destroy(r);
  CHECK(log->calls == 2);
  CHECK_STR(log->reason, "requested");
  CHECK_STR(log->intent, "operator");
  CHECK_STR(log->language, "ka");

  /* Forced language; corrupt state is rejected. */
  CHECK(zari_session_set_language(s2, "en") == ZARI_OK);
  CHECK(zari_session_set_language(s2, "fr") == ZARI_EINVAL);
  CHECK(zari_session_import(&s, e, "{not json") == ZARI_ESTATE);
  CHECK(strstr(zari_last_error(), "session state") != NULL);
  CHECK(zari_session_import(&s, e, "{\"v\":99}") == ZARI_ESTATE);
  zari_session_destroy(s2);
}

static void test_reentrant_callback(void) {
  zari_options* o = zari_options_create();
  zari_engine* e = NULL;
  zari_session* s = NULL;
  struct reentrant r;
  zari_reply* reply;
  memset(&r, 0, sizeof r);
  zari_options_set_clock(o, clock_open, NULL);
  zari_options_set_handoff(o, on_handoff_reentrant, &r);
  CHECK(zari_engine_load(&e, pack, o) == ZARI_OK);
  zari_options_destroy(o);
  r.engine = e;
  CHECK(zari_session_create(&s, e, "first", "web") == ZARI_OK);
  CHECK(zari_session_create(&r.other, e, "second", "web") == ZARI_OK);
  reply = respond(s, "operator please");
  CHECK(zari_reply_action(reply) == ZARI_ACTION_HANDOFF);
  zari_reply_destroy(reply);
  CHECK(r.calls == 1);
  CHECK(r.ok == 2);
  zari_session_destroy(r.other);
  zari_session_destroy(s);
  zari_engine_destroy(e);
}

static void test_after_hours(void) {
  zari_options* o = zari_options_create();
  zari_engine* e = NULL;
  zari_session* s = NULL;
  zari_reply* r;
  struct handoff_log log;
  memset(&log, 0, sizeof log);
  CHECK(o != NULL);
  zari_options_set_clock(o, clock_closed, NULL);
  zari_options_set_handoff(o, on_handoff, &log);
  CHECK(zari_engine_load(&e, pack, o) == ZARI_OK);
  zari_options_destroy(o);
  CHECK(zari_session_create(&s, e, "night", "web") == ZARI_OK);
  r = respond(s, "I want to talk to an operator");
  CHECK(zari_reply_action(r) == ZARI_ACTION_AFTER_HOURS);
  CHECK(strstr(zari_reply_text(r), "Monday at 09:00") != NULL);
  zari_reply_destroy(r);
  /* The opening time in the user's language. */
  r = respond(s, "ოპერატორთან დამაკავშირეთ");
  CHECK(zari_reply_action(r) == ZARI_ACTION_AFTER_HOURS);
  CHECK_STR(zari_reply_language(r), "ka");
  CHECK(strstr(zari_reply_text(r), "ორშაბათს 09:00") != NULL);
  zari_reply_destroy(r);
  r = respond(s, "operatorla danışmaq istəyirəm");
  CHECK(zari_reply_action(r) == ZARI_ACTION_AFTER_HOURS);
  CHECK_STR(zari_reply_language(r), "az");
  CHECK(strstr(zari_reply_text(r), "bazar ertəsi saat 09:00") != NULL);
  zari_reply_destroy(r);
  CHECK(log.calls == 0); /* no callback outside hours */
  /* FAQ answers keep working after hours. */
  r = respond(s, "How do I check my balance?");
  CHECK(zari_reply_action(r) == ZARI_ACTION_ANSWER);
  zari_reply_destroy(r);
  /* The engine may go first: the session keeps it alive. */
  zari_engine_destroy(e);
  r = respond(s, "balance");
  CHECK(zari_reply_action(r) == ZARI_ACTION_ANSWER);
  zari_reply_destroy(r);
  zari_session_destroy(s);
}

/* A person takes the conversation over: waiting, joined (relayed replies
 * with the bot's answers as suggestions), export/import, left; misuse. */
static void test_operator(void) {
  zari_options* o = zari_options_create();
  zari_engine* e = NULL;
  zari_session* s = NULL;
  zari_session* s2 = NULL;
  zari_reply* r;
  char* json = NULL;
  char* state = NULL;
  struct handoff_log log;
  const char* ka = "ბალანსი როგორ შევამოწმო?";
  const char* said = "აკრიფეთ *100# — უფასოა.";
  memset(&log, 0, sizeof log);
  zari_options_set_clock(o, clock_open, NULL);
  zari_options_set_handoff(o, on_handoff, &log);
  CHECK(zari_engine_load(&e, pack, o) == ZARI_OK);
  zari_options_destroy(o);
  CHECK(zari_session_create(&s, e, "taken", "web") == ZARI_OK);
  CHECK(zari_session_handoff_state(s) == ZARI_HANDOFF_NONE);
  CHECK(zari_session_operator_active(s) == 0);
  CHECK(zari_session_operator_id(s) == NULL);
  CHECK(zari_session_operator_name(s) == NULL);
  CHECK_STR(zari_session_handoff_reason(s), "");
  CHECK(zari_session_handoff_since(s) == 0);

  /* A handoff inside hours: the callback as before, and the queue. */
  r = respond(s, "I want to talk to an operator");
  CHECK(zari_reply_action(r) == ZARI_ACTION_HANDOFF);
  zari_reply_destroy(r);
  CHECK(log.calls == 1);
  CHECK(zari_session_handoff_state(s) == ZARI_HANDOFF_WAITING);
  CHECK_STR(zari_session_handoff_reason(s), "requested");
  CHECK(zari_session_handoff_since(s) == 1795590000);
  CHECK(zari_session_operator_active(s) == 0);

  /* Nobody holds it yet; ids are checked. */
  CHECK(zari_session_operator_message(s, "hi", 2) == ZARI_EBUSY);
  CHECK(strstr(zari_last_error(), "no operator") != NULL);
  CHECK(zari_session_operator_leave(s, 1) == ZARI_EBUSY);
  CHECK(zari_session_operator_join(s, "", "Nino") == ZARI_EINVAL);
  CHECK(zari_session_operator_join(s, NULL, "Nino") == ZARI_EINVAL);
  CHECK(zari_session_handoff_state(s) == ZARI_HANDOFF_WAITING);

  CHECK(zari_session_operator_join(s, "op-7", NULL) == ZARI_OK);
  CHECK_STR(zari_session_operator_name(s), "");
  CHECK(zari_session_operator_join(s, "op-7", "Nino") == ZARI_OK); /* the same operator again */
  CHECK(zari_session_operator_join(s, "op-8", "Aysel") == ZARI_EBUSY);
  CHECK(strstr(zari_last_error(), "op-7") != NULL);
  CHECK_STR(zari_status_str(ZARI_EBUSY), "conversation busy");
  CHECK(zari_session_handoff_state(s) == ZARI_HANDOFF_JOINED);
  CHECK(zari_session_operator_active(s) == 1);
  CHECK_STR(zari_session_operator_id(s), "op-7");
  CHECK_STR(zari_session_operator_name(s), "Nino");
  CHECK_STR(zari_session_handoff_reason(s), "requested");
  CHECK(zari_session_handoff_since(s) == 1795590000);

  /* Relayed: no text; the candidates carry the bot's Georgian answer. */
  r = respond(s, ka);
  CHECK(zari_reply_action(r) == ZARI_ACTION_RELAYED);
  CHECK_STR(zari_reply_action_str(r), "relayed");
  CHECK_STR(zari_reply_text(r), "");
  CHECK(zari_reply_intent(r) == NULL);
  CHECK_STR(zari_reply_language(r), "ka");
  CHECK(zari_reply_candidate_count(r) >= 1);
  CHECK_STR(zari_reply_candidate_intent(r, 0), "balance");
  CHECK(zari_reply_candidate_score(r, 0) > 0.5);
  CHECK(zari_reply_candidate_answer(r, 0) != NULL &&
        strncmp(zari_reply_candidate_answer(r, 0), "აკრიფეთ *100#", strlen("აკრიფეთ *100#")) == 0);
  CHECK(zari_reply_candidate_intent(r, 5) == NULL);
  CHECK(zari_reply_candidate_answer(r, 99) == NULL);
  CHECK(zari_reply_candidate_score(r, 99) == 0.0);
  CHECK(zari_reply_to_json(&json, r) == ZARI_OK);
  CHECK(json && strstr(json, "\"action\":\"relayed\"") && strstr(json, "\"reply\":\"\"") &&
        strstr(json, "\"answer\":\"აკრიფეთ *100#"));
  zari_string_free(json);
  zari_reply_destroy(r);
  /* Asking for a person while one is there: relayed, no callback. */
  r = respond(s, "operator please");
  CHECK(zari_reply_action(r) == ZARI_ACTION_RELAYED);
  CHECK_STR(zari_reply_candidate_intent(r, 0), "operator");
  CHECK(zari_reply_candidate_answer(r, 0) == NULL);
  zari_reply_destroy(r);
  CHECK(log.calls == 1);
  CHECK(zari_session_operator_message(s, said, strlen(said)) == ZARI_OK);
  CHECK(zari_session_operator_message(s, NULL, 3) == ZARI_EINVAL);

  /* Another process continues the takeover from the exported state. */
  CHECK(zari_session_export(&state, s) == ZARI_OK);
  CHECK(state && strstr(state, "\"handoff\":\"joined\"") && strstr(state, "\"operator_id\":\"op-7\""));
  CHECK(zari_session_import(&s2, e, state) == ZARI_OK);
  zari_string_free(state);
  zari_session_destroy(s);
  CHECK(zari_session_operator_active(s2) == 1);
  CHECK_STR(zari_session_operator_name(s2), "Nino");
  CHECK(zari_session_operator_join(s2, "op-8", NULL) == ZARI_EBUSY);
  CHECK(zari_session_operator_leave(s2, 1) == ZARI_OK);
  CHECK(zari_session_operator_active(s2) == 0);
  CHECK(zari_session_handoff_state(s2) == ZARI_HANDOFF_NONE);
  CHECK(zari_session_operator_id(s2) == NULL);
  CHECK(zari_session_operator_leave(s2, 1) == ZARI_EBUSY);
  /* The bot answers again; other replies' JSON is as before. */
  r = respond(s2, ka);
  CHECK(zari_reply_action(r) == ZARI_ACTION_ANSWER);
  CHECK_STR(zari_reply_candidate_answer(r, 0), zari_reply_text(r));
  CHECK(zari_reply_to_json(&json, r) == ZARI_OK);
  CHECK(json && strstr(json, "\"answer\":") == NULL);
  zari_string_free(json);
  zari_reply_destroy(r);

  /* NULLs never crash. */
  CHECK(zari_session_operator_join(NULL, "op", "x") == ZARI_EINVAL);
  CHECK(zari_session_operator_message(NULL, "x", 1) == ZARI_EINVAL);
  CHECK(zari_session_operator_leave(NULL, 0) == ZARI_EINVAL);
  CHECK(zari_session_operator_active(NULL) == 0);
  CHECK(zari_session_handoff_state(NULL) == ZARI_EINVAL);
  CHECK_STR(zari_session_handoff_reason(NULL), "");
  CHECK(zari_session_handoff_since(NULL) == 0);
  CHECK(zari_session_operator_id(NULL) == NULL);
  CHECK(zari_session_operator_name(NULL) == NULL);
  CHECK(zari_reply_candidate_count(NULL) == 0);
  CHECK(zari_reply_candidate_intent(NULL, 0) == NULL);
  CHECK(zari_reply_candidate_score(NULL, 0) == 0.0);
  CHECK(zari_reply_candidate_answer(NULL, 0) == NULL);
  zari_session_destroy(s2);
  zari_engine_destroy(e);
}

int main(int argc, char** argv) {
  zari_options* o;
  zari_engine* e = NULL;
  struct handoff_log log;
  const char* tmp = getenv("TMPDIR");
  if (argc < 2) {
    fprintf(stderr, "usage: %s SOURCE_DIR\n", argv[0]);
    return 2;
  }
  snprintf(pack, sizeof pack, "%s/intents/telecom", argv[1]);
  snprintf(tmpdir, sizeof tmpdir, "%s", tmp ? tmp : "/tmp");
  memset(&log, 0, sizeof log);

  test_version_and_status();
  test_errors();

  o = zari_options_create();
  CHECK(o != NULL);
  CHECK(zari_options_set_clock(o, clock_open, NULL) == ZARI_OK);
  CHECK(zari_options_set_handoff(o, on_handoff, &log) == ZARI_OK);
  CHECK(zari_engine_load(&e, pack, o) == ZARI_OK);
  zari_options_destroy(o);
  if (!e) {
    fprintf(stderr, "cannot load %s: %s\n", pack, zari_last_error());
    return 1;
  }
  CHECK_STR(zari_engine_pack_name(e), "Zari Mobile");
  test_classify(e);
  test_session(e, &log);
  {
    /* Reload to another pack: the name follows; the old pointer stays valid. */
    char other[4200];
    const char* before = zari_engine_pack_name(e);
    snprintf(other, sizeof other, "%s/other.yaml", tmpdir);
    write_file(other, "zari: 1\nname: Other Pack\nlanguages: [en]\nintents:\n  - id: hi\n    answer: {en: Hello}\n");
    CHECK(zari_engine_reload(e, other) == ZARI_OK);
    CHECK_STR(zari_engine_pack_name(e), "Other Pack");
    CHECK_STR(before, "Zari Mobile");
    CHECK(zari_engine_reload(e, pack) == ZARI_OK);
    CHECK_STR(zari_engine_pack_name(e), "Zari Mobile");
  }
  CHECK(zari_engine_reload(e, "/nonexistent") == ZARI_ENOTFOUND);
  CHECK_STR(zari_engine_pack_name(e), "Zari Mobile");
  zari_engine_destroy(e);

  test_after_hours();
  test_reentrant_callback();
  test_operator();

  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("C API: all checks passed\n");
  return 0;
}
