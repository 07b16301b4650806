#!/bin/sh
# The issued-line example exit module in POSIX sh (+ sed): on ISSUED it reads RequestID, SerialNumber and
# RawCertificate through the CA callback and appends one line to the file named by $ISSUED_LINE_FILE.
# It speaks PROTOCOL.md sequentially (maxInFlight 1) and relies on the host writing frame keys in the documented
# order, so that fields can be taken with sed.
set -u

EXITEVENT_CERTISSUED=1
CERTSRV_E_PROPERTY_EMPTY=2148089860 # 0x80094004
DISP_E_UNKNOWNNAME=2147614726       # 0x80020006
DISP_E_MEMBERNOTFOUND=2147614723    # 0x80020003
DISP_E_EXCEPTION=2147614729         # 0x80020009
PROGID='CertExit_IssuedLine_Shell.Exit'
next_id=1

send() { printf '%s\n' "$1"; }
field() { printf '%s\n' "$2" | sed -n "s/$1/\\1/p"; } # field REGEX-with-one-group LINE

# call HANDLE NAME ARGS_JSON: calls the host by name; sets $reply to the answer frame; returns 1 on an error frame.
call() {
  cid=$next_id
  next_id=$((next_id + 1))
  send "{\"t\":\"call\",\"id\":$cid,\"handle\":$1,\"op\":\"invoke\",\"name\":\"$2\",\"flags\":1,\"args\":[$3]}"
  IFS= read -r reply || exit 0
  case "$reply" in
    "{\"t\":\"result\",\"id\":$cid,"*) return 0 ;;
    "{\"t\":\"error\",\"id\":$cid,"*) return 1 ;;
    *) echo "unexpected frame: $reply" >&2; exit 2 ;;
  esac
}

raise() { # raise ID SCODE DESCRIPTION
  send "{\"t\":\"error\",\"id\":$1,\"hresult\":$DISP_E_EXCEPTION,\"description\":\"$3\",\"excepInfo\":{\"source\":\"$PROGID\",\"description\":\"$3\",\"scode\":$2}}"
}

notify_issued() { # notify_issued CONTEXT; prints nothing; returns 0 or sets $fail_scode
  call 0 CreateObject '{"vt":8,"value":"CertificateAuthority.ServerExit"}' || { fail_scode=2147500037; return 1; }
  server=$(field '.*"value":{"vt":9,"handle":\([0-9]*\)}.*' "$reply")
  status=0
  if call "$server" SetContext "{\"vt\":3,\"value\":$1}"; then
    if call "$server" GetCertificateProperty '{"vt":8,"value":"RawCertificate"},{"vt":3,"value":3}'; then
      der=$(field '.*"value":{"vt":8,"b64":"\([A-Za-z0-9+/=]*\)"}.*' "$reply")
      call "$server" GetCertificateProperty '{"vt":8,"value":"SerialNumber"},{"vt":3,"value":4}' || status=1
      serial=$(field '.*"value":{"vt":8,"value":"\([^"]*\)"}.*' "$reply")
      [ $status -eq 0 ] && { call "$server" GetRequestProperty '{"vt":8,"value":"RequestID"},{"vt":3,"value":1}' || status=1; }
      request_id=$(field '.*"value":{"vt":3,"value":\(-*[0-9]*\)}.*' "$reply")
      [ $status -eq 0 ] && printf 'issued request=%s serial=%s certificate=%s\n' "$request_id" "$serial" "$der" >>"$ISSUED_LINE_FILE"
    else
      scode=$(field '.*"scode":\([0-9]*\).*' "$reply")
      [ "$scode" = "$CERTSRV_E_PROPERTY_EMPTY" ] || status=1
    fi
  else
    status=1
  fi
  [ $status -eq 0 ] || fail_scode=$(field '.*"scode":\([0-9]*\).*' "$reply")
  send "{\"t\":\"release\",\"handle\":$server}"
  return $status
}

IFS= read -r hello || exit 0
case "$hello" in '{"t":"hello"'*) ;; *) echo "expected hello" >&2; exit 2 ;; esac
send "{\"t\":\"hello\",\"protocol\":\"certexit-automation\",\"version\":1,\"role\":\"module\",\"progId\":\"$PROGID\",\"maxInFlight\":1}"

while IFS= read -r frame; do
  case "$frame" in '{"t":"call",'*) ;; *) continue ;; esac
  id=$(field '^{"t":"call","id":\([0-9]*\),.*' "$frame")
  case "$frame" in
    *'"op":"names","names":["Initialize"'*) send "{\"t\":\"result\",\"id\":$id,\"dispids\":[1]}" ;;
    *'"op":"names","names":["Notify"'*) send "{\"t\":\"result\",\"id\":$id,\"dispids\":[2]}" ;;
    *'"op":"names","names":["GetDescription"'*) send "{\"t\":\"result\",\"id\":$id,\"dispids\":[3]}" ;;
    *'"op":"names"'*) send "{\"t\":\"error\",\"id\":$id,\"hresult\":$DISP_E_UNKNOWNNAME,\"description\":\"unknown name\"}" ;;
    *'"op":"invoke","dispid":1,'*) send "{\"t\":\"result\",\"id\":$id,\"value\":{\"vt\":3,\"value\":$EXITEVENT_CERTISSUED}}" ;;
    *'"op":"invoke","dispid":3,'*) send "{\"t\":\"result\",\"id\":$id,\"value\":{\"vt\":8,\"value\":\"Issued-line example exit module (POSIX shell)\"}}" ;;
    *'"op":"invoke","dispid":2,'*)
      event=$(field '.*"args":\[{"vt":3,"value":\(-*[0-9]*\)},.*' "$frame")
      context=$(field '.*"args":\[{"vt":3,"value":-*[0-9]*},{"vt":3,"value":\(-*[0-9]*\)}\].*' "$frame")
      if [ "$event" = "$EXITEVENT_CERTISSUED" ]; then
        fail_scode=''
        if notify_issued "$context"; then
          send "{\"t\":\"result\",\"id\":$id,\"value\":{\"vt\":0}}"
        else
          raise "$id" "${fail_scode:-2147500037}" "Notify failed"
        fi
      else
        send "{\"t\":\"result\",\"id\":$id,\"value\":{\"vt\":0}}"
      fi
      ;;
    *) send "{\"t\":\"error\",\"id\":$id,\"hresult\":$DISP_E_MEMBERNOTFOUND,\"description\":\"no such DISPID\"}" ;;
  esac
done
