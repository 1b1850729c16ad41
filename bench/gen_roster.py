"""A deterministic N-row roster CSV (all columns, unique CCCD) for benchmarks."""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Đức", "Hữu", "Ngọc", "Minh", "Quang", "Công", "Thanh", "Xuân", "Đình"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hùng",
    "Hải",
    "Sơn",
    "Tuấn",
    "Thắng",
    "Long",
    "Hòa",
    "Thủy",
    "Lợi",
    "Phúc",
    "Khánh",
    "Quý",
    "Nam",
    "Việt",
    "Hiệp",
    "Tài",
    "Tín",
    "Toàn",
    "Phong",
    "Quang",
    "Lộc",
    "Đức",
    "Huy",
    "Kiên",
    "Hậu",
    "Nhân",
    "Châu",
    "Thuận",
    "Tâm",
    "Chiến",
    "Nhung",
    "Hồng",
    "Vinh",
    "",
]
MIDDLE2 = ["", "", "Văn", "Hữu", "Minh", "Thanh", "Xuân", "Quốc", "Đình", "Công"]
WARDS = [
    "Tam Thuận",
    "Thanh Khê Tây",
    "Thanh Khê Đông",
    "Xuân Hà",
    "Tân Chính",
    "Chính Gián",
    "Vĩnh Trung",
    "Thạc Gián",
    "An Khê",
    "Hòa Khê",
]
HEADER = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Phường",
    "Tổ dân phố",
    "Địa chỉ",
    "Điện thoại",
    "Ngày nhập ngũ",
    "Ngày xuất ngũ",
    "Cấp bậc",
    "Đơn vị",
    "Đảng viên",
    "Đoàn viên",
    "Dự bị động viên",
    "Hội viên CCB",
    "Ngày đăng ký",
    "Trạng thái",
    "Ngày trạng thái",
    "Ghi chú",
]


def generate(path: Path, n: int, seed: int = 2019) -> Path:
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(n):
            year = rnd.randint(1940, 1990)
            female = rnd.random() < 0.06
            middle = "Thị" if female else rnd.choice(MIDDLE)
            name = " ".join(
                w for w in (rnd.choice(FAMILY), middle, rnd.choice(MIDDLE2), rnd.choice(GIVEN)) if w
            )
            day, month = rnd.randint(1, 28), rnd.randint(1, 12)
            cccd = f"048{1 if female else 0}{year % 100:02d}{i:06d}"
            enlisted = year + rnd.randint(17, 25)
            deceased = rnd.random() < 0.03
            w.writerow(
                [
                    name,
                    f"{day:02d}/{month:02d}/{year}",
                    "Nữ" if female else "Nam",
                    cccd,
                    WARDS[i % len(WARDS)],
                    f"Tổ {rnd.randint(1, 60)}",
                    f"K{rnd.randint(1, 500)}/{rnd.randint(1, 90)} Hà Huy Tập",
                    f"09{rnd.randint(0, 99_999_999):08d}",
                    f"{month:02d}/{enlisted}",
                    f"{min(enlisted + rnd.randint(2, 8), 2019)}",
                    "Trung sĩ",
                    "Sư đoàn 2, Quân khu 5",
                    "x" if rnd.random() < 0.3 else "",
                    "",
                    "",
                    "x" if rnd.random() < 0.5 else "",
                    "",
                    "từ trần" if deceased else "",
                    "12/05/2018" if deceased else "",
                    "",
                ]
            )
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=100_000)
    args = parser.parse_args()
    generate(args.out, args.n)
