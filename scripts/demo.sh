#!/usr/bin/env bash
# The main job: a village meeting recorded offline on two tablets, synced through a
# local ykien-server (SQLite, no set-up), and the report printed from a tablet and
# from the server; then the office's address and a login, for the follow-up of the
# meeting in a browser (the server stays up until Enter when run in a terminal).
#    scripts/demo.sh [--lang en] [--no-wait]
set -euo pipefail
cd "$(dirname "$0")/.."

lang=vi
wait_for_enter=1
[ -t 0 ] || wait_for_enter=0
while [ $# -gt 0 ]; do
  case "$1" in
    --lang) lang="${2:-vi}"; shift 2 ;;
    --lang=*) lang="${1#--lang=}"; shift ;;
    --no-wait) wait_for_enter=0; shift ;;
    *) echo "usage: scripts/demo.sh [--lang vi|en] [--no-wait]" >&2; exit 2 ;;
  esac
done
say() { if [ "$lang" = en ]; then echo -e "\n### $2"; else echo -e "\n### $1"; fi; }
line() { if [ "$lang" = en ]; then echo "$2"; else echo "$1"; fi; }

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --parallel "$(nproc)" --target ykien ykien-server >/dev/null
export PATH="$PWD/build/samples/field-cli:$PWD/build/sync:$PATH"
export YKIEN_LANG="$lang"

work=$(mktemp -d /tmp/ykien-demo.XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

say "Máy chủ xã: khởi động ykien-server (SQLite, không cần cài đặt)" \
    "Commune server: starting ykien-server (SQLite, no set-up)"
cat > "$work/units.csv" <<'CSV'
code,name,kind,parent
70,Tỉnh Bình Phước,province,
dong-xoai,Thành phố Đồng Xoài,district,70
tan-phu,Phường Tân Phú,ward,70/dong-xoai
kp-1,Khu phố 1,hamlet,70/dong-xoai/tan-phu
kp-2,Khu phố 2,hamlet,70/dong-xoai/tan-phu
kp-3,Khu phố 3,hamlet,70/dong-xoai/tan-phu
CSV
ykien-server admin --data "$work/server" import-units "$work/units.csv" >/dev/null  # (the admin speaks English)
# From 1 July 2025 (docs/units.md): Bình Phước goes into Đồng Nai, the district level
# is gone and Tân Phú goes into the new Phường Đồng Xoài; rows keep their 2023 units.
# The new ward's code is illustrative: take the official list's.
cat > "$work/units-2025.csv" <<'CSV'
old,code,name,kind,parent,date
70,75,Tỉnh Đồng Nai,province,,2025-07-01
70/dong-xoai/tan-phu,p-dong-xoai,Phường Đồng Xoài,ward,75,2025-07-01
CSV
ykien-server admin --data "$work/server" units import "$work/units-2025.csv" >/dev/null
ykien-server admin --data "$work/server" units dissolve --unit 70/dong-xoai --on 2025-07-01 >/dev/null
# The ward secretary's office login (docs/office.md), a fresh password each run.
office_user=lan
office_password=$(tr -dc 'a-km-zA-HJ-NP-Z2-9' < /dev/urandom | head -c 12 || true)
echo "$office_password" | ykien-server admin --data "$work/server" user add "$office_user" --role secretary \
  --unit 70/dong-xoai/tan-phu --display-name "Nguyễn Thị Lan" >/dev/null
ykien-server serve --data "$work/server" --host 127.0.0.1 --port 0 --port-file "$work/port" \
  2> "$work/server.log" &
server_pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "ykien-server did not start; its log:" >&2; cat "$work/server.log" >&2; exit 1; }
url="http://127.0.0.1:$(cat "$work/port")"

say "Hai máy tính bảng của thư ký được đăng ký với phường Tân Phú" \
    "The secretaries' two tablets are enrolled for Tân Phú ward"
for t in a b; do
  code=$(ykien-server admin --data "$work/server" create-code --unit 70/dong-xoai/tan-phu | tail -n 1)
  ykien --db "$work/tablet-$t.db" init >/dev/null
  ykien --db "$work/tablet-$t.db" enroll --server "$url" --code "$code" --name "tablet-$t"
  ykien --db "$work/tablet-$t.db" sync
done

say "Ngoài khu phố, không có mạng: mỗi máy ghi một buổi gặp gỡ" \
    "Out in the hamlets, no network: each tablet records one meeting"
export YKIEN_NOW="2023-03-04 09:30"
a=(ykien --db "$work/tablet-a.db" --user "Nguyễn Thị Lan")
"${a[@]}" meeting open --kind residential_saturday --hamlet kp-1 --at "4/3/2023 8:00" \
  --place "Nhà văn hóa khu phố 1" --chair "Chủ tịch UBND phường" --attendance 72
"${a[@]}" opinion add --category land --citizen "Trần Văn Hùng" \
  --content "Đề nghị sớm cấp giấy chứng nhận quyền sử dụng đất cho 12 hộ dân khu phố 1" \
  --assign "Phòng Tài nguyên và Môi trường" --due 15/4/2023
"${a[@]}" opinion add --category traffic_safety \
  --content "Đường Lê Duẩn thiếu đèn tín hiệu, xe tải chạy nhanh gây mất an toàn giao thông" \
  --answer "Phường đã đề nghị thành phố lắp đèn trong quý II" --satisfaction satisfied
"${a[@]}" opinion add --category environment --anonymous \
  --content "Rác thải tồn đọng ở cuối hẻm 12, đề nghị thu gom thường xuyên" \
  --appoint-at "11/3/2023 8:00" --appoint-place "Trụ sở UBND phường"
# The photo of the signed minutes, attached to the meeting (docs/attachments.md).
"${a[@]}" attach add samples/media/bien-ban.jpg --caption "Ảnh biên bản hội nghị khu phố 1"
minutes_sha=$(sha256sum samples/media/bien-ban.jpg | cut -d' ' -f1)
minutes_meeting=$("${a[@]}" --json attach list | grep -o '"meeting_id": *"[^"]*"' | head -n 1 | cut -d'"' -f4)
"${a[@]}" meeting close --attendance 75 --conclusion "Thông báo kết luận số 12-TB/ĐU"

export YKIEN_NOW="2023-03-11 10:00"
b=(ykien --db "$work/tablet-b.db" --user "Trần Văn Minh")
"${b[@]}" meeting open --kind residential_saturday --hamlet kp-2 --at "11/3/2023 8:00" \
  --place "Hội trường khu phố 2" --chair "Bí thư Đảng ủy phường" --attendance 64
"${b[@]}" opinion add --category security_order \
  --content "Tình trạng trộm cắp vặt ban đêm, đề nghị tăng cường tuần tra" \
  --answer "Công an phường sẽ tăng cường tuần tra từ tuần sau" --satisfaction satisfied
"${b[@]}" opinion add --category construction \
  --content "Công trình xây dựng không phép lấn chiếm hành lang đường Phú Riềng Đỏ" \
  --assign "Đội Quản lý trật tự đô thị" --due 31/3/2023
"${b[@]}" opinion add --category compensation_clearance --citizen "Lê Thị Hoa" \
  --content "Chưa nhận đủ tiền bồi thường giải phóng mặt bằng dự án đường ĐT 741" \
  --jurisdiction escalated --escalated-to "UBND thành phố Đồng Xoài"
"${b[@]}" meeting close --attendance 64 --conclusion "Thông báo kết luận số 13-TB/ĐU"

say "Về trụ sở phường: đồng bộ cả hai máy" "Back at the ward office: both tablets sync"
ykien --db "$work/tablet-a.db" sync
ykien --db "$work/tablet-b.db" sync
ykien --db "$work/tablet-a.db" sync

say "Ảnh biên bản đã về máy chủ phường" "The photo of the minutes reached the ward's server"
server_copy="$work/server/blobs/$minutes_sha"
if [ ! -f "$server_copy" ] || [ "$(sha256sum "$server_copy" | cut -d' ' -f1)" != "$minutes_sha" ]; then
  line "Máy chủ chưa nhận đủ ảnh biên bản." "The server does not hold the whole photo of the minutes." >&2
  exit 1
fi
line "  Đủ $(wc -c < "$server_copy") byte, SHA-256 ${minutes_sha:0:12}… đúng như trên máy tính bảng A" \
     "  All $(wc -c < "$server_copy") bytes, SHA-256 ${minutes_sha:0:12}…, as on tablet A"
line "  Xem trong biên bản hội nghị: $url/meetings/$minutes_meeting" \
     "  Shown in the meeting's minutes: $url/meetings/$minutes_meeting"

say "Báo cáo trên máy tính bảng A" "Report on tablet A"
ykien --db "$work/tablet-a.db" report --unit 70/dong-xoai/tan-phu --from 2023-03-01 --to 2023-10-31 --today 2023-05-01
say "Báo cáo trên máy chủ" "Report on the server"
ykien --db "$work/server/data.db" report --unit 70/dong-xoai/tan-phu --from 2023-03-01 --to 2023-10-31 --today 2023-05-01
say "Cùng số liệu theo đơn vị hiện nay (sau sắp xếp ngày 1/7/2025)" \
    "The same figures by today's units (after the reorganisation of 1 July 2025)"
env -u YKIEN_NOW ykien --db "$work/server/data.db" report --unit 70/dong-xoai/tan-phu --from 2023-03-01 --to 2023-10-31 --tree now

say "Văn phòng phường trên trình duyệt: theo dõi, giao việc, trả lời các ý kiến của hội nghị" \
    "The ward office in a browser: follow up, assign and answer the meetings' opinions"
line "  Địa chỉ:        $url/" "  Address:   $url/"
line "  Tên đăng nhập:  $office_user (thư ký phường)" "  User name: $office_user (ward secretary)"
line "  Mật khẩu:       $office_password" "  Password:  $office_password"
if [ "$wait_for_enter" = 1 ]; then
  line "Máy chủ đang chạy. Nhấn Enter để dừng và xóa dữ liệu thử." \
       "The server is running. Press Enter to stop it and remove the demo's data."
  read -r _ || true
else
  line "(Chạy trong terminal để giữ máy chủ mở: scripts/demo.sh)" \
       "(Run it in a terminal to keep the server up: scripts/demo.sh)"
fi
