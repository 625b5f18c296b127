# The fixed input of the classify output test (sourced by cli_test.sh):
# writes it to $1. Lines in every language and script, and the bytes JSON
# must escape or replace: quotes, backslashes, control characters, NUL,
# invalid UTF-8, a CRLF ending, an empty line, a long line.
classify_input() {
  {
    printf '%s\n' "როგორ შევამოწმო ბალანსი?" "balansımı necə yoxlaya bilərəm" "balansimi nece yoxlaya bilerem" \
      "How do I check my balance?" "baraTis daBlokva minda" "Азәрбајҹан балансым" "гамарджоба, баланси" \
      "ოპერატორი" "internet" "what is the capital of peru" "1" "*100#" "👍 thanks!!! ﬁnd my ＳＩＭ №5"
    printf 'my bill\r\n\nsay "hi" \\ back\\slash\ttab\x01ctl\x7f\n'
    printf 'bad \xff\xfe byte \xe1\x83 cut \xed\xa0\x80 surrogate \xef\xbf\xbd real\n'
    printf 'nul\x00byte and a\rcarriage return\n'
    for _ in $(seq 40); do printf 'ბალანსი balance balans '; done
    printf '\n'
  } > "$1"
}
