"""The columns of a registry extract (contract §2.1): English key, Vietnamese header, required."""

from __future__ import annotations

from landdata.tabular import Column

REGISTRY_COLUMNS: tuple[Column, ...] = (
    Column("registry_id", "Mã hồ sơ", required=True),
    Column("commune_code", "Mã xã", required=True),
    Column("old_commune_code", "Mã xã cũ"),
    Column("map_sheet", "Số tờ", required=True),
    Column("plot_number", "Số thửa", required=True),
    Column("area_m2", "Diện tích", required=True),
    Column("land_use", "Mục đích sử dụng"),
    Column("plot_address", "Địa chỉ thửa đất"),
    Column("owner_name", "Họ tên chủ sử dụng", required=True),
    Column("owner_birth", "Năm sinh"),
    Column("owner_id_number", "Số giấy tờ tùy thân"),
    Column("owner_address", "Địa chỉ thường trú"),
    Column("certificate_serial", "Số phát hành GCN"),
    Column("certificate_book_number", "Số vào sổ"),
    Column("certificate_issue_date", "Ngày cấp GCN"),
)

# Names given to administrative units the registry mentions before the assignment
# list has named them (data, not interface text: the assignment import overwrites them).
