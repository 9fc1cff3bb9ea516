# A stand-in for the few Vivado IP-packager commands package_ip.tcl calls, so that tclsh runs the
# script's own checks: the "packaged core" is described by fake_ports (name direction width) and
# fake_interfaces (the interface names Vivado would have inferred), both set before this file is sourced.
# Objects are words KIND/NAME (port/clk, interface/s_axi, map/s_axi_rdata).
proc version {args} { return $::fake_version }
foreach command {create_project read_verilog set_property current_fileset current_project} {
    proc $command {args} {}
}
namespace eval ipx {}
proc ipx::package_project {args} {}
proc ipx::current_core {} { return core }
foreach command {associate_bus_interfaces remove_address_block create_xgui_files update_checksums
                 check_integrity save_core} {
    proc ipx::$command {args} {}
}
proc ipx::get_ports {args} {
    set names [lmap p $::fake_ports {lindex $p 0}]
    if {[lindex $args 0] ne "-of_objects"} { set names [lsearch -all -inline -exact $names [lindex $args 0]] }
    return [lmap n $names {string cat port/ $n}]
}
proc ipx::get_bus_interfaces {name args} {
    if {[lsearch -exact $::fake_interfaces $name] < 0} { return "" }
    return interface/$name
}
proc ipx::get_port_maps {-of_objects interface} {
    set prefix "[lindex [split $interface /] 1]_"
    return [lmap p $::fake_ports {expr {[string match $prefix* [lindex $p 0]] ? "map/[lindex $p 0]" : [continue]}}]
}
proc ipx::get_bus_parameters {args} { return "" }
proc ipx::add_bus_parameter {args} { return parameter }
proc ipx::get_memory_maps {args} { return "" }
proc ipx::add_memory_map {args} { return map }
proc ipx::get_address_blocks {args} { return {} }
proc ipx::add_address_block {args} { return block }
proc ipx::add_register {args} { return register }
proc get_property {property objects} {
    if {$objects eq "core"} { return [expr {$property eq "VLNV" ? $::fake_vlnv : ""}] }
    set values [lmap o $objects {fake_property $property $o}]
    return [expr {[llength $objects] == 1 ? [lindex $values 0] : $values}]
}
proc fake_property {property object} {
    lassign [split $object /] kind name
    if {$kind eq "port"} {
        set row [lsearch -inline -index 0 $::fake_ports $name]
        switch $property {
            NAME { return $name } DIRECTION { return [lindex $row 1] }
            SIZE_LEFT { return [expr {[lindex $row 2] - 1}] } SIZE_RIGHT { return 0 }
        }
    }
    if {$kind eq "map" && $property eq "PHYSICAL_NAME"} { return $name }
    if {$kind eq "interface"} {
        set stream [string match *axis $name]
        switch $property {
            BUS_TYPE_VLNV { return [expr {$stream ? "xilinx.com:interface:axis_rtl:1.0" : "xilinx.com:interface:aximm_rtl:1.0"}] }
            INTERFACE_MODE { return [expr {[string match m_* $name] ? "master" : "slave"}] }
        }
    }
    error "the stub has no $property of $object"
}
