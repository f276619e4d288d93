import csv
import io

from openpyxl import Workbook

HEADER = ["姓名*", "手机号*", "单位*", "党支部", "角色", "负责社区", "计入参与统计"]


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def many_rows(n: int, unit: str = "县商务局"):
    return [(f"党员{i}", f"137{i:08d}", unit, f"第{i % 7 + 1}党支部", "党员干部", "")
            for i in range(n)]
